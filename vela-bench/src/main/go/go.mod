module vela.dev/seedbench

go 1.19
