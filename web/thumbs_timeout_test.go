package web

import "time"

// The tests draw every lesson's thumbnail while other tests and programs
// load the machine: 20 s of wall clock is not enough there, and a
// thumbnail's time is not what they check.
func init() { thumbTimeout = 10 * time.Minute }
