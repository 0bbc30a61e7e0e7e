// Stand-ins for what the AWS network policy agent expects from an EKS node, for the integration-agent tier:
// the instance metadata service (loopback, inside the node's network namespace), the VPC CNI ipamd
// ConfigServerBackend on its unix socket, a loopback relay to the test kube-apiserver, and the CNI plugin's
// EnforceNpToPod / DeletePodNp calls over the agent's socket. Versions follow aws-network-policy-agent v1.4.1's go.mod.
module eks-netpol-audit.test/agent/standins

go 1.26.5

require (
	github.com/aws/amazon-vpc-cni-k8s v1.22.4
	github.com/vishvananda/netns v0.0.5
	google.golang.org/grpc v1.82.1
	google.golang.org/protobuf v1.36.12-0.20260120151049-f2248ac996af
)

require (
	golang.org/x/net v0.55.0 // indirect
	golang.org/x/sys v0.46.0 // indirect
	golang.org/x/text v0.38.0 // indirect
	google.golang.org/genproto/googleapis/rpc v0.0.0-20260414002931-afd174a4e478 // indirect
)
