module gotest.example/examples

go 1.26
