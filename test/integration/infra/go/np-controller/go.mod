// Wrapper module: builds the AWS network policy controller (main package ./cmd) from the Go module proxy.
module eks-netpol-audit.test/infra/np-controller

go 1.26

tool github.com/aws/amazon-network-policy-controller-k8s/cmd

require github.com/aws/amazon-network-policy-controller-k8s v1.1.7
