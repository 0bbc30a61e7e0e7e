package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"k8s.io/cri-streaming/pkg/streaming/remotecommand"
	utilexec "k8s.io/utils/exec"
)

// The kubelet's defaults for exec streams (kubelet --streaming-connection-idle-timeout, CRI streaming server).
const (
	streamIdleTimeout     = 4 * time.Hour
	commandNotFoundStatus = 127
)

// pathMap is the repeated --path CONTAINER_PATH=HOST_PATH flag: the only executables the container has.
type pathMap map[string]string

func (paths pathMap) String() string {
	pairs := make([]string, 0, len(paths))
	for inContainer, onHost := range paths {
		pairs = append(pairs, inContainer+"="+onHost)
	}
	return strings.Join(pairs, ",")
}

func (paths pathMap) Set(value string) error {
	inContainer, onHost, found := strings.Cut(value, "=")
	if !found || !strings.HasPrefix(inContainer, "/") || onHost == "" {
		return fmt.Errorf("--path wants CONTAINER_PATH=HOST_PATH, got %q", value)
	}
	paths[inContainer] = onHost
	return nil
}

// containerExecutor runs a command array directly (no shell), as a container runtime would: argv[0] must be one of
// the container's executables, anything else ends with status 127 like an exec of a missing file.
type containerExecutor struct {
	paths pathMap
}

func (executor containerExecutor) ExecInContainer(ctx context.Context, _ string, _ string, _ string, cmd []string,
	stdin io.Reader, stdout, stderr io.WriteCloser, _ bool, _ <-chan remotecommand.TerminalSize, _ time.Duration) error {
	if len(cmd) == 0 {
		return fmt.Errorf("no command given")
	}
	hostPath, known := executor.paths[cmd[0]]
	if !known {
		if stderr != nil {
			_, _ = fmt.Fprintf(stderr, "exec: %q: executable file not found in the container\n", cmd[0])
		}
		return utilexec.CodeExitError{Err: fmt.Errorf("%s: not found", cmd[0]), Code: commandNotFoundStatus}
	}
	command := exec.CommandContext(ctx, hostPath)
	command.Args = cmd
	if stdin != nil {
		command.Stdin = stdin
	}
	if stdout != nil {
		command.Stdout = stdout
	}
	if stderr != nil {
		command.Stderr = stderr
	}
	err := command.Run()
	if exitErr, ok := err.(*exec.ExitError); ok {
		return utilexec.ExitErrorWrapper{ExitError: exitErr}
	}
	return err
}

// execRoute reads the kubelet's /exec/{namespace}/{pod}/{container} (or /exec/{namespace}/{pod}/{uid}/{container}).
func execRoute(path string) (namespace, pod, uid, container string, ok bool) {
	parts := strings.Split(strings.TrimPrefix(path, "/exec/"), "/")
	switch len(parts) {
	case 3:
		return parts[0], parts[1], "", parts[2], true
	case 4:
		return parts[0], parts[1], parts[2], parts[3], true
	}
	return "", "", "", "", false
}

func execHandler(podNamespace, podName, containerName string, executor remotecommand.Executor) http.HandlerFunc {
	return func(w http.ResponseWriter, req *http.Request) {
		namespace, pod, uid, container, ok := execRoute(req.URL.Path)
		if !ok || namespace != podNamespace || pod != podName {
			http.Error(w, fmt.Sprintf("pod %s/%s does not exist", namespace, pod), http.StatusNotFound)
			return
		}
		if container != containerName {
			http.Error(w, fmt.Sprintf("container %s not found in pod %s/%s", container, namespace, pod), http.StatusNotFound)
			return
		}
		options, err := remotecommand.NewOptions(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		remotecommand.ServeExec(w, req, executor, pod, uid, container, req.URL.Query()["command"], options,
			streamIdleTimeout, remotecommand.DefaultStreamCreationTimeout, remotecommand.SupportedStreamingProtocols)
	}
}

// kubelet serves the kubelet's exec endpoint for one pod's container over HTTPS (a self-signed certificate: the
// test kube-apiserver has no --kubelet-certificate-authority), with the kubelet's own streaming code.
func kubelet(args []string) error {
	flags := flag.NewFlagSet("kubelet", flag.ContinueOnError)
	listen := flags.String("listen", "", "address of the kubelet port (host:port)")
	listenNetns := flags.String("listen-netns", "", "network namespace to open the listener in (default: this process's)")
	certDir := flags.String("cert-dir", "", "directory for the generated kubelet.crt and kubelet.key")
	podRef := flags.String("pod", "", "the pod served, NAMESPACE/NAME")
	container := flags.String("container", "", "the pod's container served")
	paths := pathMap{}
	flags.Var(paths, "path", "an executable of the container, CONTAINER_PATH=HOST_PATH (repeatable)")
	if err := flags.Parse(args); err != nil {
		return err
	}
	podNamespace, podName, found := strings.Cut(*podRef, "/")
	if *listen == "" || *certDir == "" || !found || podNamespace == "" || podName == "" || *container == "" {
		return fmt.Errorf("kubelet needs --listen, --cert-dir, --pod NAMESPACE/NAME and --container")
	}
	host, _, err := net.SplitHostPort(*listen)
	if err != nil {
		return fmt.Errorf("--listen %q: %w", *listen, err)
	}
	certFile, keyFile, err := writeSelfSignedCert(*certDir, host)
	if err != nil {
		return err
	}
	var listener net.Listener
	if *listenNetns == "" {
		listener, err = net.Listen("tcp", *listen)
	} else {
		listener, err = listenInNetns(*listenNetns, *listen)
	}
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/exec/", execHandler(podNamespace, podName, *container, containerExecutor{paths: paths}))
	server := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- server.ServeTLS(listener, certFile, keyFile) }()
	fmt.Println("ready", listener.Addr().String())
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	select {
	case err := <-served:
		return err
	case <-signals:
		return server.Close()
	}
}
