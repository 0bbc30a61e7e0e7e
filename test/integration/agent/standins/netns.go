package main

import (
	"fmt"
	"net"
	"runtime"

	"github.com/vishvananda/netns"
)

// listenInNetns opens a TCP listener inside the network namespace at path: a socket keeps the namespace it was
// created in, so the process itself stays in its own namespace (where the upstream it relays to lives).
func listenInNetns(path, address string) (net.Listener, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	origin, err := netns.Get()
	if err != nil {
		return nil, fmt.Errorf("reading the current network namespace: %w", err)
	}
	defer origin.Close()
	target, err := netns.GetFromPath(path)
	if err != nil {
		return nil, fmt.Errorf("opening network namespace %s: %w", path, err)
	}
	defer target.Close()
	if err := netns.Set(target); err != nil {
		return nil, fmt.Errorf("entering network namespace %s: %w", path, err)
	}
	listener, listenErr := net.Listen("tcp", address)
	if err := netns.Set(origin); err != nil {
		panic(fmt.Sprintf("cannot return to the original network namespace: %v", err))
	}
	if listenErr != nil {
		return nil, fmt.Errorf("listening on %s in %s: %w", address, path, listenErr)
	}
	return listener, nil
}
