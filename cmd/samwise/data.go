package main

import "errors"

type importCmd struct{}

func (importCmd) Run(e *env) error { return errors.New("not built yet") }

type exportCmd struct{}

func (exportCmd) Run(e *env) error { return errors.New("not built yet") }

type backupCmd struct{}

func (backupCmd) Run(e *env) error { return errors.New("not built yet") }

type restoreCmd struct{}

func (restoreCmd) Run(e *env) error { return errors.New("not built yet") }

type copyCmd struct{}

func (copyCmd) Run(e *env) error { return errors.New("not built yet") }
