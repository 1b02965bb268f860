// Command server starts Saddle.
package main

import (
	"flag"
	"fmt"
	"net/http"
)

func main() {
	addr := flag.String("addr", ":8080", "address to listen on")
	flag.Parse()
	http.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "ok") })
	fmt.Println("Saddle at http://localhost" + *addr)
	_ = http.ListenAndServe(*addr, nil)
}
