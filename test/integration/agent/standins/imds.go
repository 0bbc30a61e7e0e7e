package main

import (
	"net"
	"net/http"
)

const imdsToken = "node-standins-imds-token"

// imdsHandler answers the IMDSv2 token request and the metadata paths the agent reads (local-ipv4, ipv6).
func imdsHandler(metadata map[string]string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("PUT /latest/api/token", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-aws-ec2-metadata-token-ttl-seconds") == "" {
			http.Error(w, "missing X-aws-ec2-metadata-token-ttl-seconds", http.StatusBadRequest)
			return
		}
		w.Header().Set("X-aws-ec2-metadata-token-ttl-seconds", r.Header.Get("X-aws-ec2-metadata-token-ttl-seconds"))
		_, _ = w.Write([]byte(imdsToken))
	})
	mux.HandleFunc("GET /latest/meta-data/{key}", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-aws-ec2-metadata-token") != imdsToken {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		value, ok := metadata[r.PathValue("key")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(value))
	})
	return mux
}

func serveImds(listener net.Listener, nodeIP string) {
	server := &http.Server{Handler: imdsHandler(map[string]string{"local-ipv4": nodeIP})}
	go func() { _ = server.Serve(listener) }()
}
