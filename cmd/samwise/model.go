package main

import "errors"

type modelCmd struct{}

func (modelCmd) Run(e *env) error { return errors.New("not built yet") }
