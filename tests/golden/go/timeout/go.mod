module gotest.example/timeout

go 1.26
