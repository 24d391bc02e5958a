package main

type serveCmd struct {
	Addr string `help:"Address to listen on." env:"SAMWISE_ADDR" default:"localhost:8080"`
	Demo bool   `help:"Load the demo portfolio into an empty database before serving."`
}

func (s *serveCmd) Run(e *env) error {
	return nil // wired below in serve_run.go
}
