package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"
)

func serve(args []string) error {
	flags := flag.NewFlagSet("serve", flag.ContinueOnError)
	netnsPath := flags.String("netns", "", "network namespace of the node (path under /run/netns)")
	imdsAddr := flags.String("imds-addr", "127.0.0.1:1338", "IMDS listen address inside the node namespace")
	nodeIP := flags.String("node-ip", "", "the node's primary IPv4 (IMDS local-ipv4)")
	ipamdSocket := flags.String("ipamd-socket", "", "path of ipamd's unix socket")
	mode := flags.String("mode", "standard", "NETWORK_POLICY_ENFORCING_MODE of aws-node (standard|strict)")
	apiListen := flags.String("apiserver-listen", "", "kube-apiserver relay address inside the node namespace")
	apiUpstream := flags.String("apiserver-upstream", "", "the kube-apiserver address in this process's namespace")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if *netnsPath == "" || *ipamdSocket == "" || *apiListen == "" || *apiUpstream == "" || net.ParseIP(*nodeIP) == nil {
		return fmt.Errorf("serve needs --netns, --node-ip (IPv4), --ipamd-socket, --apiserver-listen and --apiserver-upstream")
	}
	if *mode != "standard" && *mode != "strict" {
		return fmt.Errorf("--mode must be standard or strict, got %q", *mode)
	}
	imdsListener, err := listenInNetns(*netnsPath, *imdsAddr)
	if err != nil {
		return err
	}
	serveImds(imdsListener, *nodeIP)
	apiListener, err := listenInNetns(*netnsPath, *apiListen)
	if err != nil {
		return err
	}
	relay(apiListener, *apiUpstream)
	if err := serveIpamd(*ipamdSocket, *mode); err != nil {
		return err
	}
	fmt.Println("ready")
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	<-signals
	_ = os.Remove(*ipamdSocket)
	return nil
}
