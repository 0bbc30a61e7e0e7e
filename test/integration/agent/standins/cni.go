package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	cnirpc "github.com/aws/amazon-vpc-cni-k8s/rpc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// cni makes the calls the VPC CNI plugin makes to the agent on pod set-up (ADD) and tear-down (DEL).
func cni(args []string) error {
	if len(args) < 1 || (args[0] != "add" && args[0] != "del") {
		return fmt.Errorf("usage: cni add|del --socket PATH --pod NAME --namespace NS [--mode M]")
	}
	flags := flag.NewFlagSet("cni", flag.ContinueOnError)
	socket := flags.String("socket", "", "the agent's unix socket (npa.sock)")
	pod := flags.String("pod", "", "pod name")
	namespace := flags.String("namespace", "", "pod namespace")
	mode := flags.String("mode", "standard", "NETWORK_POLICY_MODE sent with EnforceNpToPod")
	if err := flags.Parse(args[1:]); err != nil {
		return err
	}
	if *socket == "" || *pod == "" || *namespace == "" {
		return fmt.Errorf("cni %s needs --socket, --pod and --namespace", args[0])
	}
	conn, err := grpc.NewClient("unix://"+*socket, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return fmt.Errorf("connecting to %s: %w", *socket, err)
	}
	defer conn.Close()
	client := cnirpc.NewNPBackendClient(conn)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var success bool
	if args[0] == "add" {
		reply, callErr := client.EnforceNpToPod(ctx, &cnirpc.EnforceNpRequest{
			K8S_POD_NAME: *pod, K8S_POD_NAMESPACE: *namespace, NETWORK_POLICY_MODE: *mode, InterfaceCount: 1,
		})
		err, success = callErr, reply.GetSuccess()
	} else {
		reply, callErr := client.DeletePodNp(ctx, &cnirpc.DeleteNpRequest{K8S_POD_NAME: *pod, K8S_POD_NAMESPACE: *namespace})
		err, success = callErr, reply.GetSuccess()
	}
	if err != nil {
		return fmt.Errorf("%s for %s/%s: %w", map[string]string{"add": "EnforceNpToPod", "del": "DeletePodNp"}[args[0]], *namespace, *pod, err)
	}
	if !success {
		return fmt.Errorf("the agent answered Success=false for %s/%s", *namespace, *pod)
	}
	fmt.Println("ok")
	return nil
}
