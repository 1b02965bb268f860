// Package stream runs live sessions: a scene of racing runs stepped at a
// chosen speed and streamed as batched frames over a WebSocket.
package stream
