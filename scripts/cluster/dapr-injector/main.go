// The Dapr sidecar injector for the cluster test tier: Dapr's own webhook (pkg/injector/service, the
// code behind cmd/injector) configured from the same environment the chart gives the injector
// Deployment, so every pod is patched exactly as the real injector would patch it. Only where its
// serving certificate comes from differs: sentry (not run in the tier) is replaced by a certificate
// file the harness makes, and the trust anchors are that CA. Built inside a copy of the Dapr module
// (scripts/cluster/dapr-injector/install.sh), so Dapr's own go.mod and replace directives apply.
package main

import (
	"context"
	"crypto/tls"
	"flag"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/spiffe/go-spiffe/v2/spiffeid"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	scheme "github.com/dapr/dapr/pkg/client/clientset/versioned"
	"github.com/dapr/dapr/pkg/healthz"
	"github.com/dapr/dapr/pkg/injector/service"
	"github.com/dapr/dapr/pkg/security"
)

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of the control plane")
	port := flag.Int("port", 4000, "webhook port (TLS)")
	certFile := flag.String("tls-cert", "", "serving certificate (PEM)")
	keyFile := flag.String("tls-key", "", "serving key (PEM)")
	caFile := flag.String("trust-anchors", "", "CA bundle handed to sidecars as trust anchors (PEM)")
	scheduler := flag.Bool("scheduler-enabled", true, "whether the scheduler is enabled (chart: global.scheduler.enabled)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	// SIDECAR_IMAGE, NAMESPACE, SIDECAR_DROP_ALL_CAPABILITIES … exactly as the chart sets them.
	cfg, err := service.GetConfig()
	if err != nil {
		log.Fatalf("injector config from the environment: %v", err)
	}
	rest, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		log.Fatalf("kubeconfig: %v", err)
	}
	kubeClient := kubernetes.NewForConfigOrDie(rest)
	daprClient := scheme.NewForConfigOrDie(rest)
	uids, err := service.AllowedControllersServiceAccountUID(ctx, cfg, kubeClient)
	if err != nil {
		log.Fatalf("allowed controller service accounts: %v", err)
	}
	trustDomain := cfg.ControlPlaneTrustDomain
	inj, err := service.NewInjector(service.Options{
		Port:                    *port,
		ListenAddress:           "127.0.0.1",
		AuthUIDs:                uids,
		Config:                  cfg,
		DaprClient:              daprClient,
		KubeClient:              kubeClient,
		ControlPlaneNamespace:   security.CurrentNamespace(),
		ControlPlaneTrustDomain: trustDomain,
		Healthz:                 healthz.New(),
		SchedulerEnabled:        *scheduler,
	})
	if err != nil {
		log.Fatalf("injector: %v", err)
	}
	cert, err := tls.LoadX509KeyPair(*certFile, *keyFile)
	if err != nil {
		log.Fatalf("serving certificate: %v", err)
	}
	anchors, err := os.ReadFile(*caFile)
	if err != nil {
		log.Fatalf("trust anchors: %v", err)
	}
	td, err := spiffeid.TrustDomainFromString(trustDomain)
	if err != nil {
		log.Fatalf("trust domain %q: %v", trustDomain, err)
	}
	sentryID, err := security.SentryID(td, security.CurrentNamespace())
	if err != nil {
		log.Fatalf("sentry id: %v", err)
	}
	tlsConfig := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	err = inj.Run(ctx, tlsConfig, sentryID, func(context.Context) ([]byte, error) { return anchors, nil })
	if err != nil {
		log.Fatalf("injector stopped: %v", err)
	}
}
