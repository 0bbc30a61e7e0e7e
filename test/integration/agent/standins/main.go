// Command node-standins plays, on one test machine, the parts of an EKS node the network policy agent talks to.
//
//	node-standins serve --netns PATH --imds-addr 127.0.0.1:P --node-ip IP --ipamd-socket PATH --mode standard|strict
//	                    --apiserver-listen 127.0.0.1:P --apiserver-upstream 127.0.0.1:P
//	node-standins cni add|del --socket PATH --pod NAME --namespace NS [--mode standard|strict]
//	node-standins probe listen --tcp P,P --udp P      (echo servers, in a pod's network namespace)
//	node-standins probe connect [--timeout D] tcp:IP:PORT udp:IP:PORT ...   (prints a JSON array)
//	node-standins kubelet --listen 127.0.0.1:P --cert-dir DIR --pod NS/NAME --container NAME
//	                      [--path CONTAINER_PATH=HOST_PATH ...] [--listen-netns PATH]   (the kubelet's exec endpoint)
//
// serve and kubelet print "ready" on stdout once every listener is open (kubelet adds the address it listens on, so
// --listen 127.0.0.1:0 takes a free port) and run until they are signalled.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fail("usage: node-standins serve|cni|probe|kubelet ...")
	}
	var err error
	switch os.Args[1] {
	case "serve":
		err = serve(os.Args[2:])
	case "cni":
		err = cni(os.Args[2:])
	case "probe":
		err = probe(os.Args[2:])
	case "kubelet":
		err = kubelet(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q (serve|cni|probe|kubelet)", os.Args[1])
	}
	if err != nil {
		fail(err.Error())
	}
}

func fail(message string) {
	fmt.Fprintln(os.Stderr, "node-standins:", message)
	os.Exit(1)
}
