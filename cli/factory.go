package cli

import (
	"github.com/xray-wizard/xray-wizard/i18n"
	"github.com/xray-wizard/xray-wizard/iostreams"
)

// Factory is what every command is built from: made once in main (tests
// make their own) and handed to each NewCmdX.
type Factory struct {
	IOStreams *iostreams.IOStreams
}

// NewFactory makes the factory for ios.
func NewFactory(ios *iostreams.IOStreams) *Factory {
	return &Factory{IOStreams: ios}
}

// lang is the language the environment asks for (LC_ALL, LC_MESSAGES,
// LANG), before --lang is read.
func (f *Factory) lang() i18n.Lang { return i18n.Detect(f.IOStreams.Getenv) }
