// Command seed fills a test cluster started by tests/cluster/start.sh with the
// objects Hopscope's integration tests and benchmarks expect. The exact data
// sets are documented in tests/cluster/README.md.
//
//	seed --kubeconfig K --small [--gateway=true]
//	seed --kubeconfig K --scale pods=10000,services=2000,slices=2000,ingresses=1000[,namespaces=10]
//	seed --kubeconfig K --many configmaps=1300 [--many-namespace paging]
//	seed free-ports N        print N currently free loopback TCP ports
//
// Creating an object that already exists is not an error (it is left alone), so
// a mode can be run again on the same cluster.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	apiextclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
)

type clients struct {
	kube *kubernetes.Clientset
	dyn  dynamic.Interface
	ext  *apiextclient.Clientset
}

func usage() {
	fmt.Fprintf(os.Stderr, `usage:
  seed --kubeconfig FILE --small [--gateway=false] [--crds DIR]
  seed --kubeconfig FILE --scale pods=N,services=N,slices=N,ingresses=N[,namespaces=N,podstatus=0|1]
  seed --kubeconfig FILE --many configmaps=N|services=N|secrets=N [--many-namespace NS]
  seed free-ports N
flags:
`)
	flag.PrintDefaults()
}

func main() {
	if len(os.Args) >= 2 && os.Args[1] == "free-ports" {
		freePorts(os.Args[2:])
		return
	}
	kubeconfig := flag.String("kubeconfig", os.Getenv("KUBECONFIG"), "admin kubeconfig (default $KUBECONFIG)")
	small := flag.Bool("small", false, "create the small functional data set")
	gateway := flag.Bool("gateway", true, "with --small: install the Gateway API standard CRDs and a GatewayClass, Gateway and HTTPRoute")
	crds := flag.String("crds", "", "directory of Gateway API CRD YAML files (default: found next to the binary, see build.sh)")
	scale := flag.String("scale", "", "create a large data set, e.g. pods=10000,services=2000,slices=2000,ingresses=1000")
	many := flag.String("many", "", "create N objects of one kind in one namespace for pagination tests, e.g. configmaps=1300")
	manyNS := flag.String("many-namespace", "paging", "namespace for --many")
	workers := flag.Int("workers", 24, "concurrent requests for --scale and --many")
	qps := flag.Float64("qps", 3000, "client-side QPS limit")
	timeout := flag.Duration("timeout", 30*time.Minute, "give up after this long")
	flag.Usage = usage
	flag.Parse()
	if flag.NArg() != 0 {
		usage()
		os.Exit(2)
	}
	if !*small && *scale == "" && *many == "" {
		usage()
		os.Exit(2)
	}
	if *kubeconfig == "" {
		fatalf("--kubeconfig is required")
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		fatalf("loading kubeconfig %s: %v", *kubeconfig, err)
	}
	cfg.QPS = float32(*qps)
	cfg.Burst = int(*qps * 2)
	cfg.UserAgent = "hopscope-seed"
	c, err := newClients(cfg)
	if err != nil {
		fatalf("%v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()

	if *small {
		start := time.Now()
		dir := *crds
		if *gateway && dir == "" {
			dir = findCRDs()
		}
		if err := seedSmall(ctx, c, *gateway, dir); err != nil {
			fatalf("--small: %v", err)
		}
		fmt.Printf("seed --small: done in %.1fs\n", time.Since(start).Seconds())
	}
	if *scale != "" {
		spec, err := parseScale(*scale)
		if err != nil {
			fatalf("--scale: %v", err)
		}
		start := time.Now()
		if err := seedScale(ctx, c, spec, *workers); err != nil {
			fatalf("--scale: %v", err)
		}
		fmt.Printf("seed --scale: done in %.1fs\n", time.Since(start).Seconds())
	}
	if *many != "" {
		kind, n, err := parseMany(*many)
		if err != nil {
			fatalf("--many: %v", err)
		}
		start := time.Now()
		if err := seedMany(ctx, c, kind, n, *manyNS, *workers); err != nil {
			fatalf("--many: %v", err)
		}
		fmt.Printf("seed --many %s=%d in namespace %s: done in %.1fs\n", kind, n, *manyNS, time.Since(start).Seconds())
	}
}

func newClients(cfg *rest.Config) (*clients, error) {
	// Protobuf for built-in kinds: much cheaper for the API server when seeding at scale.
	pcfg := rest.CopyConfig(cfg)
	pcfg.ContentType = "application/vnd.kubernetes.protobuf"
	pcfg.AcceptContentTypes = "application/vnd.kubernetes.protobuf,application/json"
	kube, err := kubernetes.NewForConfig(pcfg)
	if err != nil {
		return nil, err
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	ext, err := apiextclient.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return &clients{kube: kube, dyn: dyn, ext: ext}, nil
}

func fatalf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "seed: "+format+"\n", a...)
	os.Exit(1)
}

// ignoreExists turns AlreadyExists into success so modes can be re-run.
func ignoreExists(err error) error {
	if err == nil || apierrors.IsAlreadyExists(err) {
		return nil
	}
	return err
}

// findCRDs looks for build.sh's copy of the Gateway API CRDs: first
// $GATEWAY_API_CRDS, then <bin>/../crds/gateway-api-*/.
func findCRDs() string {
	if d := os.Getenv("GATEWAY_API_CRDS"); d != "" {
		return d
	}
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(exe), "..", "crds", "gateway-api-*"))
	sort.Strings(matches)
	if len(matches) == 0 {
		return ""
	}
	return matches[len(matches)-1]
}

func freePorts(args []string) {
	n := 1
	if len(args) > 0 {
		v, err := strconv.Atoi(args[0])
		if err != nil || v < 1 || v > 64 {
			fatalf("free-ports wants a count between 1 and 64")
		}
		n = v
	}
	var ls []net.Listener
	var ports []string
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			fatalf("free-ports: %v", err)
		}
		ls = append(ls, l)
		ports = append(ports, strconv.Itoa(l.Addr().(*net.TCPAddr).Port))
	}
	for _, l := range ls {
		l.Close()
	}
	fmt.Println(strings.Join(ports, " "))
}
