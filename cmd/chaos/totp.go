package main

import (
	"time"

	"derma2go/demodata"
	"derma2go/secure"
)

// The demo doctors' second factor: the public demo secret and its codes.
const (
	demoTOTPSecret = demodata.DemoTOTPSecret
	totpPeriod     = secure.TOTPPeriod
)

func totpCode(secret string, at time.Time) (string, error) { return secure.TOTPCode(secret, at) }
