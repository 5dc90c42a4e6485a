package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/wait"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

// The small data set. Keep tests/cluster/README.md ("Seeded objects") in sync.

var smallNamespaces = []string{"team-a", "team-b", "shop"}

var smallPods = []podSpec{
	{ns: "team-a", name: "web-0", app: "web", ip: "10.244.1.10", ready: true},
	{ns: "team-a", name: "web-1", app: "web", ip: "10.244.1.11", ready: true},
	{ns: "team-a", name: "api-0", app: "api", ip: "10.244.1.20", ready: true},
	{ns: "team-a", name: "api-1", app: "api", ip: "10.244.1.21", ready: false},
	{ns: "team-b", name: "backend-0", app: "backend", ip: "10.244.2.10", ready: true},
	{ns: "team-b", name: "backend-1", app: "backend", ip: "10.244.2.11", ready: true},
	{ns: "shop", name: "frontend-0", app: "frontend", ip: "10.244.3.10", ready: true, containerPort: 3000},
	{ns: "shop", name: "frontend-1", app: "frontend", ip: "10.244.3.11", ready: true, containerPort: 3000},
	{ns: "shop", name: "frontend-2", app: "frontend", ip: "10.244.3.12", ready: false, containerPort: 3000},
	{ns: "shop", name: "cart-0", app: "cart", ip: "10.244.3.20", ready: true},
}

func sel(app string) map[string]string { return map[string]string{"app": app} }

func smallServices() []*corev1.Service {
	ext := &corev1.Service{
		ObjectMeta: meta("team-b", "external", map[string]string{"app": "external"}),
		Spec: corev1.ServiceSpec{
			Type:         corev1.ServiceTypeExternalName,
			ExternalName: "external.example.org",
			Ports:        []corev1.ServicePort{{Name: "http", Port: 80, Protocol: corev1.ProtocolTCP}},
		},
	}
	return []*corev1.Service{
		makeService("team-a", "web", "10.96.10.10", sel("web"), svcPort{"http", 80, intstr.FromInt32(8080)}),
		makeService("team-a", "api", "10.96.10.20", sel("api"), svcPort{"http", 8080, intstr.FromString("http")}),
		makeService("team-b", "backend", "10.96.20.10", sel("backend"), svcPort{"http", 80, intstr.FromInt32(8080)}),
		ext,
		makeService("shop", "frontend", "10.96.30.10", sel("frontend"), svcPort{"http", 80, intstr.FromInt32(3000)}),
		makeService("shop", "cart", "10.96.30.20", sel("cart"), svcPort{"http", 8080, intstr.FromInt32(8080)}),
		makeService("shop", "ghost", "10.96.30.30", sel("ghost"), svcPort{"http", 80, intstr.FromInt32(8080)}),
	}
}

func smallSlices() []*discoveryv1.EndpointSlice {
	return []*discoveryv1.EndpointSlice{
		makeSlice("team-a", "web-h8x2k", "web", "http", 8080, []endpoint{
			{"web-0", "10.244.1.10", true}, {"web-1", "10.244.1.11", true}}),
		makeSlice("team-a", "api-7f9cd", "api", "http", 8080, []endpoint{
			{"api-0", "10.244.1.20", true}, {"api-1", "10.244.1.21", false}}),
		makeSlice("team-b", "backend-x7p2q", "backend", "http", 8080, []endpoint{
			{"backend-0", "10.244.2.10", true}, {"backend-1", "10.244.2.11", true}}),
		makeSlice("shop", "frontend-q4m8z", "frontend", "http", 3000, []endpoint{
			{"frontend-0", "10.244.3.10", true}, {"frontend-1", "10.244.3.11", true}, {"frontend-2", "10.244.3.12", false}}),
		makeSlice("shop", "cart-k2v9w", "cart", "http", 8080, []endpoint{
			{"cart-0", "10.244.3.20", true}}),
	}
}

func smallIngresses() []*networkingv1.Ingress {
	prefix, exact, impl := networkingv1.PathTypePrefix, networkingv1.PathTypeExact, networkingv1.PathTypeImplementationSpecific
	nginx, other := "nginx", "other"
	ing := func(ns, name string, class *string) *networkingv1.Ingress {
		return &networkingv1.Ingress{ObjectMeta: meta(ns, name, nil), Spec: networkingv1.IngressSpec{IngressClassName: class}}
	}

	web := ing("team-a", "web", &nginx)
	web.Spec.TLS = []networkingv1.IngressTLS{{Hosts: []string{"a.example.com"}, SecretName: "a-example-tls"}}
	web.Spec.Rules = []networkingv1.IngressRule{rule("a.example.com",
		path{"/", prefix, "web", portNum(80)},
		path{"/api", prefix, "api", portName("http")})}

	// Created without a class: the DefaultIngressClass admission plugin sets
	// spec.ingressClassName to the default class (nginx).
	b := ing("team-b", "b-ingress", nil)
	b.Spec.DefaultBackend = backend("backend", portNum(80))
	b.Spec.Rules = []networkingv1.IngressRule{rule("b.example.com", path{"/v1", exact, "backend", portNum(80)})}

	oc := ing("team-b", "other-class", &other)
	oc.Spec.Rules = []networkingv1.IngressRule{rule("other.example.com", path{"/", prefix, "backend", portNum(80)})}

	ext := ing("team-b", "external", &nginx)
	ext.Spec.Rules = []networkingv1.IngressRule{rule("ext.example.com", path{"/", prefix, "external", portNum(80)})}

	shop := ing("shop", "shop", &nginx)
	shop.Annotations = map[string]string{"nginx.ingress.kubernetes.io/rewrite-target": "/"}
	shop.Spec.TLS = []networkingv1.IngressTLS{{Hosts: []string{"shop.example.com", "*.shop.example.com"}, SecretName: "shop-tls"}}
	shop.Spec.Rules = []networkingv1.IngressRule{
		rule("shop.example.com",
			path{"/", prefix, "frontend", portNum(80)},
			path{"/cart", prefix, "cart", portNum(8080)},
			path{"/static", impl, "frontend", portName("http")}),
		rule("*.shop.example.com", path{"/", prefix, "frontend", portNum(80)}),
	}

	broken := ing("shop", "broken", &nginx)
	broken.Spec.Rules = []networkingv1.IngressRule{rule("broken.example.com", path{"/", prefix, "does-not-exist", portNum(80)})}

	return []*networkingv1.Ingress{web, b, oc, ext, shop, broken}
}

func seedSmall(ctx context.Context, c *clients, gateway bool, crdDir string) error {
	k := c.kube
	step := func(what string, n int, t time.Time) {
		fmt.Printf("  %-16s %3d  (%.2fs)\n", what, n, time.Since(t).Seconds())
	}

	t := time.Now()
	for _, ns := range smallNamespaces {
		if _, err := k.CoreV1().Namespaces().Create(ctx, namespace(ns), metav1.CreateOptions{}); ignoreExists(err) != nil {
			return fmt.Errorf("namespace %s: %w", ns, err)
		}
	}
	step("namespaces", len(smallNamespaces), t)

	t = time.Now()
	classes := []*networkingv1.IngressClass{
		ingressClass("nginx", "k8s.io/ingress-nginx", true),
		ingressClass("other", "example.com/other-controller", false),
	}
	for _, ic := range classes {
		if _, err := k.NetworkingV1().IngressClasses().Create(ctx, ic, metav1.CreateOptions{}); ignoreExists(err) != nil {
			return fmt.Errorf("ingressclass %s: %w", ic.Name, err)
		}
	}
	step("ingressclasses", len(classes), t)

	t = time.Now()
	secrets := []*corev1.Secret{}
	for _, s := range []struct {
		ns, name string
		hosts    []string
	}{
		{"team-a", "a-example-tls", []string{"a.example.com"}},
		{"shop", "shop-tls", []string{"shop.example.com", "*.shop.example.com"}},
	} {
		sec, err := tlsSecret(s.ns, s.name, s.hosts...)
		if err != nil {
			return err
		}
		secrets = append(secrets, sec)
	}
	secrets = append(secrets, &corev1.Secret{
		ObjectMeta: meta("team-b", "b-secret", nil),
		Type:       corev1.SecretTypeOpaque,
		StringData: map[string]string{"password": "not-a-real-password"},
	})
	for _, s := range secrets {
		if _, err := k.CoreV1().Secrets(s.Namespace).Create(ctx, s, metav1.CreateOptions{}); ignoreExists(err) != nil {
			return fmt.Errorf("secret %s/%s: %w", s.Namespace, s.Name, err)
		}
	}
	step("secrets", len(secrets), t)

	t = time.Now()
	for _, p := range smallPods {
		if err := createPod(ctx, c, p); err != nil {
			return err
		}
	}
	step("pods", len(smallPods), t)

	t = time.Now()
	svcs := smallServices()
	for _, s := range svcs {
		if _, err := k.CoreV1().Services(s.Namespace).Create(ctx, s, metav1.CreateOptions{}); ignoreExists(err) != nil {
			return fmt.Errorf("service %s/%s: %w", s.Namespace, s.Name, err)
		}
	}
	step("services", len(svcs), t)

	t = time.Now()
	slices := smallSlices()
	for _, s := range slices {
		if _, err := k.DiscoveryV1().EndpointSlices(s.Namespace).Create(ctx, s, metav1.CreateOptions{}); ignoreExists(err) != nil {
			return fmt.Errorf("endpointslice %s/%s: %w", s.Namespace, s.Name, err)
		}
	}
	step("endpointslices", len(slices), t)

	t = time.Now()
	ings := smallIngresses()
	for _, i := range ings {
		if _, err := k.NetworkingV1().Ingresses(i.Namespace).Create(ctx, i, metav1.CreateOptions{}); ignoreExists(err) != nil {
			return fmt.Errorf("ingress %s/%s: %w", i.Namespace, i.Name, err)
		}
	}
	step("ingresses", len(ings), t)

	if gateway {
		if crdDir == "" {
			return fmt.Errorf("Gateway API CRDs not found: run tests/cluster/build.sh, pass --crds DIR, or use --gateway=false")
		}
		t = time.Now()
		n, err := installCRDs(ctx, c, crdDir)
		if err != nil {
			return err
		}
		step("gateway-api CRDs", n, t)
		t = time.Now()
		if err := seedGateway(ctx, c); err != nil {
			return err
		}
		step("gateway objects", 3, t)
	}
	return nil
}

// installCRDs creates every CustomResourceDefinition found in dir/*.yaml and
// waits until all are Established.
func installCRDs(ctx context.Context, c *clients, dir string) (int, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		return 0, fmt.Errorf("no CRD YAML files in %s", dir)
	}
	var names []string
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return 0, err
		}
		dec := utilyaml.NewYAMLOrJSONDecoder(fh, 64*1024)
		for {
			var crd apiextv1.CustomResourceDefinition
			if err := dec.Decode(&crd); err != nil {
				if errors.Is(err, io.EOF) {
					break
				}
				fh.Close()
				return 0, fmt.Errorf("%s: %w", f, err)
			}
			if crd.Kind != "CustomResourceDefinition" || crd.Name == "" {
				continue
			}
			_, err := c.ext.ApiextensionsV1().CustomResourceDefinitions().Create(ctx, &crd, metav1.CreateOptions{})
			if ignoreExists(err) != nil {
				fh.Close()
				return 0, fmt.Errorf("CRD %s: %w", crd.Name, err)
			}
			names = append(names, crd.Name)
		}
		fh.Close()
	}
	for _, name := range names {
		err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 60*time.Second, true, func(ctx context.Context) (bool, error) {
			crd, err := c.ext.ApiextensionsV1().CustomResourceDefinitions().Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return false, nil
			}
			for _, cond := range crd.Status.Conditions {
				if cond.Type == apiextv1.Established && cond.Status == apiextv1.ConditionTrue {
					return true, nil
				}
			}
			return false, nil
		})
		if err != nil {
			return 0, fmt.Errorf("CRD %s not established: %w", name, err)
		}
	}
	return len(names), nil
}

var (
	gvrGatewayClass = schema.GroupVersionResource{Group: "gateway.networking.k8s.io", Version: "v1", Resource: "gatewayclasses"}
	gvrGateway      = schema.GroupVersionResource{Group: "gateway.networking.k8s.io", Version: "v1", Resource: "gateways"}
	gvrHTTPRoute    = schema.GroupVersionResource{Group: "gateway.networking.k8s.io", Version: "v1", Resource: "httproutes"}
)

func seedGateway(ctx context.Context, c *clients) error {
	labels := map[string]any{seedLabel: "true"}
	objs := []struct {
		gvr schema.GroupVersionResource
		obj map[string]any
	}{
		{gvrGatewayClass, map[string]any{
			"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass",
			"metadata": map[string]any{"name": "hopscope", "labels": labels},
			"spec":     map[string]any{"controllerName": "example.com/hopscope-gateway-controller"},
		}},
		{gvrGateway, map[string]any{
			"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
			"metadata": map[string]any{"name": "shop-gw", "namespace": "shop", "labels": labels},
			"spec": map[string]any{
				"gatewayClassName": "hopscope",
				"listeners": []any{map[string]any{
					"name": "http", "protocol": "HTTP", "port": int64(80), "hostname": "*.shop.example.com",
					"allowedRoutes": map[string]any{"namespaces": map[string]any{"from": "Same"}},
				}},
			},
		}},
		{gvrHTTPRoute, map[string]any{
			"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
			"metadata": map[string]any{"name": "shop-route", "namespace": "shop", "labels": labels},
			"spec": map[string]any{
				"parentRefs": []any{map[string]any{"name": "shop-gw", "sectionName": "http"}},
				"hostnames":  []any{"checkout.shop.example.com"},
				"rules": []any{
					map[string]any{
						"matches":     []any{map[string]any{"path": map[string]any{"type": "PathPrefix", "value": "/checkout"}}},
						"backendRefs": []any{map[string]any{"name": "cart", "port": int64(8080)}},
					},
					map[string]any{
						"matches":     []any{map[string]any{"path": map[string]any{"type": "PathPrefix", "value": "/"}}},
						"backendRefs": []any{map[string]any{"name": "frontend", "port": int64(80)}},
					},
				},
			},
		}},
	}
	for _, o := range objs {
		u := &unstructured.Unstructured{Object: o.obj}
		var ri interface {
			Create(context.Context, *unstructured.Unstructured, metav1.CreateOptions, ...string) (*unstructured.Unstructured, error)
		}
		if ns := u.GetNamespace(); ns != "" {
			ri = c.dyn.Resource(o.gvr).Namespace(ns)
		} else {
			ri = c.dyn.Resource(o.gvr)
		}
		// Right after a CRD is Established its REST endpoint can still 404 briefly.
		err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
			_, err := ri.Create(ctx, u, metav1.CreateOptions{})
			if err == nil || apierrors.IsAlreadyExists(err) {
				return true, nil
			}
			if apierrors.IsNotFound(err) || strings.Contains(err.Error(), "the server could not find the requested resource") {
				if os.Getenv("SEED_DEBUG") != "" {
					fmt.Fprintf(os.Stderr, "%s retry: %v\n", time.Now().Format("15:04:05.000"), err)
				}
				return false, nil
			}
			return false, err
		})
		if err != nil {
			return fmt.Errorf("%s %s: %w", u.GetKind(), u.GetName(), err)
		}
	}
	return nil
}
