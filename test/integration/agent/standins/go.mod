// Stand-ins for what the AWS network policy agent expects from an EKS node, for the integration-agent tier:
// the instance metadata service (loopback, inside the node's network namespace), the VPC CNI ipamd
// ConfigServerBackend on its unix socket, a loopback relay to the test kube-apiserver, and the CNI plugin's
// EnforceNpToPod / DeletePodNp calls over the agent's socket, and the kubelet's exec endpoint (the kubelet's own
// streaming code, k8s.io/cri-streaming, for the exec collector's test). Versions follow aws-network-policy-agent
// v1.4.1's go.mod; the k8s.io modules are of one release (v0.37.2).
module eks-netpol-audit.test/agent/standins

go 1.26.5

require (
	github.com/aws/amazon-vpc-cni-k8s v1.22.4
	github.com/vishvananda/netns v0.0.5
	google.golang.org/grpc v1.82.1
	google.golang.org/protobuf v1.36.12-0.20260120151049-f2248ac996af
	k8s.io/cri-streaming v0.37.2
	k8s.io/utils v0.0.0-20260626114624-be93311217bd
)

require (
	github.com/go-logr/logr v1.4.4 // indirect
	github.com/moby/spdystream v0.5.1 // indirect
	github.com/stretchr/testify v1.12.1 // indirect
	go.opentelemetry.io/otel v1.47.0 // indirect
	golang.org/x/net v0.57.0 // indirect
	golang.org/x/sys v0.47.0 // indirect
	golang.org/x/text v0.40.0 // indirect
	google.golang.org/genproto/googleapis/rpc v0.0.0-20260526163538-3dc84a4a5aaa // indirect
	k8s.io/klog/v2 v2.140.0 // indirect
	k8s.io/streaming v0.37.2 // indirect
)
