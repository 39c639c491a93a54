module gotest.example/panic

go 1.26
