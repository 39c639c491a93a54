module gotest.example/subtests

go 1.26
