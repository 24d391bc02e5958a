package main

import "errors"

type coverageCmd struct{}

func (coverageCmd) Run(e *env) error { return errors.New("not built yet") }
