package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// probe listen: echo servers on the given TCP and UDP ports, in the current network namespace.
// probe connect: one attempt per target (proto:ip:port), all at once; prints a JSON array of results. An attempt
// succeeds when the payload comes back within the timeout: the request and the reply both passed the datapath.
func probe(args []string) error {
	if len(args) < 1 {
		return fmt.Errorf("usage: probe listen|connect ...")
	}
	switch args[0] {
	case "listen":
		return probeListen(args[1:])
	case "connect":
		return probeConnect(args[1:])
	}
	return fmt.Errorf("unknown probe command %q (listen|connect)", args[0])
}

func ports(list string) ([]int, error) {
	var result []int
	for _, field := range strings.Split(list, ",") {
		if field == "" {
			continue
		}
		port, err := strconv.Atoi(field)
		if err != nil || port < 1 || port > 65535 {
			return nil, fmt.Errorf("invalid port %q", field)
		}
		result = append(result, port)
	}
	return result, nil
}

func probeListen(args []string) error {
	flags := flag.NewFlagSet("listen", flag.ContinueOnError)
	tcpPorts := flags.String("tcp", "", "comma-separated TCP ports")
	udpPorts := flags.String("udp", "", "comma-separated UDP ports")
	addressList := flags.String("addresses", "", "comma-separated local addresses; UDP binds each so replies leave from the address asked")
	if err := flags.Parse(args); err != nil {
		return err
	}
	tcp, err := ports(*tcpPorts)
	if err != nil {
		return err
	}
	udp, err := ports(*udpPorts)
	if err != nil {
		return err
	}
	for _, port := range tcp {
		listener, err := net.Listen("tcp", fmt.Sprintf(":%d", port))
		if err != nil {
			return fmt.Errorf("listening on TCP %d: %w", port, err)
		}
		go echoTCP(listener)
	}
	addresses := strings.Split(*addressList, ",")
	for _, port := range udp {
		for _, address := range addresses {
			conn, err := net.ListenPacket("udp", net.JoinHostPort(address, strconv.Itoa(port)))
			if err != nil {
				return fmt.Errorf("listening on UDP %s:%d: %w", address, port, err)
			}
			go echoUDP(conn)
		}
	}
	fmt.Println("ready")
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	<-signals
	return nil
}

func echoTCP(listener net.Listener) {
	for {
		conn, err := listener.Accept()
		if err != nil {
			return
		}
		go func() {
			defer conn.Close()
			buffer := make([]byte, 64)
			_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
			n, err := conn.Read(buffer)
			if err == nil {
				_, _ = conn.Write(buffer[:n])
			}
		}()
	}
}

func echoUDP(conn net.PacketConn) {
	buffer := make([]byte, 64)
	for {
		n, peer, err := conn.ReadFrom(buffer)
		if err != nil {
			return
		}
		_, _ = conn.WriteTo(buffer[:n], peer)
	}
}

type attempt struct {
	Target    string `json:"target"`
	Connected bool   `json:"connected"`
	Error     string `json:"error,omitempty"`
}

func probeConnect(args []string) error {
	flags := flag.NewFlagSet("connect", flag.ContinueOnError)
	timeout := flags.Duration("timeout", 1500*time.Millisecond, "time allowed for the echo to come back")
	if err := flags.Parse(args); err != nil {
		return err
	}
	targets := flags.Args()
	results := make([]attempt, len(targets))
	var wait sync.WaitGroup
	for i, target := range targets {
		wait.Add(1)
		go func() {
			defer wait.Done()
			results[i] = try(target, *timeout)
		}()
	}
	wait.Wait()
	return json.NewEncoder(os.Stdout).Encode(results)
}

func try(target string, timeout time.Duration) attempt {
	proto, address, ok := strings.Cut(target, ":")
	if !ok || (proto != "tcp" && proto != "udp") {
		return attempt{Target: target, Error: "target must be tcp:IP:PORT or udp:IP:PORT"}
	}
	deadline := time.Now().Add(timeout)
	conn, err := net.DialTimeout(proto, address, timeout)
	if err != nil {
		return attempt{Target: target, Error: err.Error()}
	}
	defer conn.Close()
	_ = conn.SetDeadline(deadline)
	payload := []byte("netpol-audit-probe")
	if _, err := conn.Write(payload); err != nil {
		return attempt{Target: target, Error: err.Error()}
	}
	buffer := make([]byte, len(payload))
	n, err := conn.Read(buffer)
	if err != nil {
		return attempt{Target: target, Error: err.Error()}
	}
	return attempt{Target: target, Connected: string(buffer[:n]) == string(payload)}
}
