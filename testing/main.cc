// main() of a test binary (//testing:main): Go's generated _testmain.go.

namespace go::testing {
int RunMain(int argc, char** argv);
}  // namespace go::testing

int main(int argc, char** argv) { return go::testing::RunMain(argc, argv); }
