module gotest.example/bench

go 1.26
