package main

import (
	"io"
	"net"
)

// relay copies every connection accepted on listener to upstream, both ways.
func relay(listener net.Listener, upstream string) {
	go func() {
		for {
			downstream, err := listener.Accept()
			if err != nil {
				return
			}
			go pipe(downstream, upstream)
		}
	}()
}

func pipe(downstream net.Conn, upstream string) {
	defer downstream.Close()
	up, err := net.Dial("tcp", upstream)
	if err != nil {
		return
	}
	defer up.Close()
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(up, downstream); done <- struct{}{} }()
	go func() { _, _ = io.Copy(downstream, up); done <- struct{}{} }()
	<-done
}
