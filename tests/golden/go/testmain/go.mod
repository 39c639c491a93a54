module gotest.example/testmain

go 1.26
