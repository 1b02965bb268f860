// Package api serves Saddle's HTTP JSON API (API.md) with chi.
package api
