package main

import "errors"

type metricsCmd struct{}

func (metricsCmd) Run(e *env) error { return errors.New("not built yet") }
