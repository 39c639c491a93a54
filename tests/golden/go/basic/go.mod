module gotest.example/basic

go 1.26
