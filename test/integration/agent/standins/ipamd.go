package main

import (
	"context"
	"fmt"
	"net"
	"os"

	cnirpc "github.com/aws/amazon-vpc-cni-k8s/rpc"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// ipamdConfig is ipamd's ConfigServerBackend: the network policy mode of aws-node and multi-NIC off.
type ipamdConfig struct {
	cnirpc.UnimplementedConfigServerBackendServer
	mode string
}

func (c *ipamdConfig) GetNetworkPolicyConfigs(context.Context, *emptypb.Empty) (*cnirpc.NetworkPolicyAgentConfigReply, error) {
	return &cnirpc.NetworkPolicyAgentConfigReply{NetworkPolicyMode: c.mode, MultiNICEnabled: false}, nil
}

func serveIpamd(socket, mode string) error {
	if err := os.Remove(socket); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("removing stale %s: %w", socket, err)
	}
	listener, err := net.Listen("unix", socket)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", socket, err)
	}
	server := grpc.NewServer()
	cnirpc.RegisterConfigServerBackendServer(server, &ipamdConfig{mode: mode})
	go func() { _ = server.Serve(listener) }()
	return nil
}
