package main

import (
	"errors"
	"time"
)

// Placeholder until the two-factor branch is in main.
const (
	demoTOTPSecret = ""
	totpPeriod     = 30 * time.Second
)

func totpCode(string, time.Time) (string, error) { return "", errors.New("no TOTP yet") }
