module gotest/tests/perf/runtime/go

go 1.19
