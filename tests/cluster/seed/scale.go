package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

type scaleSpec struct {
	pods, services, slices, ingresses, namespaces int
	podStatus                                     bool
}

func parseKV(s string) (map[string]int, error) {
	out := map[string]int{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return nil, fmt.Errorf("%q is not key=value", part)
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("%q: value must be a non-negative integer", part)
		}
		out[strings.TrimSpace(k)] = n
	}
	return out, nil
}

func parseScale(s string) (scaleSpec, error) {
	kv, err := parseKV(s)
	if err != nil {
		return scaleSpec{}, err
	}
	spec := scaleSpec{namespaces: 10, podStatus: true}
	for k, v := range kv {
		switch k {
		case "pods":
			spec.pods = v
		case "services":
			spec.services = v
		case "slices":
			spec.slices = v
		case "ingresses":
			spec.ingresses = v
		case "namespaces":
			spec.namespaces = v
		case "podstatus":
			spec.podStatus = v != 0
		default:
			return spec, fmt.Errorf("unknown key %q (want pods, services, slices, ingresses, namespaces, podstatus)", k)
		}
	}
	if spec.namespaces < 1 {
		return spec, fmt.Errorf("namespaces must be at least 1")
	}
	if (spec.slices > 0 || spec.ingresses > 0 || spec.pods > 0) && spec.services == 0 {
		return spec, fmt.Errorf("pods, slices and ingresses are spread over services: services must be > 0")
	}
	return spec, nil
}

// runPool runs fn(0..n-1) on `workers` goroutines, stopping at the first error,
// and prints progress about every 5 seconds.
func runPool(ctx context.Context, what string, n, workers int, fn func(ctx context.Context, i int) error) error {
	if n == 0 {
		return nil
	}
	start := time.Now()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var next, done atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	if workers > n {
		workers = n
	}
	stopProgress := make(chan struct{})
	go func() {
		t := time.NewTicker(5 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				fmt.Printf("  %-16s %d/%d\n", what, done.Load(), n)
			case <-stopProgress:
				return
			}
		}
	}()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				if err := fn(ctx, i); err != nil {
					once.Do(func() { firstErr = err; cancel() })
					return
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	close(stopProgress)
	if firstErr != nil {
		return firstErr
	}
	el := time.Since(start).Seconds()
	fmt.Printf("  %-16s %6d  (%.1fs, %.0f/s)\n", what, n, el, float64(n)/el)
	return nil
}

// Layout: namespaces scale-00..; service s lives in namespace s*ns/services
// and selects app=svc-NNNNN; pod p belongs to service p%services; slice j
// belongs to service j%services and lists (up to 100 of) that service's pods;
// ingress k routes to services 2k and 2k+1 (modulo services) of one namespace.

func scaleNS(spec scaleSpec, svc int) string {
	return fmt.Sprintf("scale-%02d", svc*spec.namespaces/spec.services)
}

func svcName(i int) string { return fmt.Sprintf("svc-%05d", i) }

func podIP(i int) string { return fmt.Sprintf("10.%d.%d.%d", 100+i/65536, (i/256)%256, i%256) }

func seedScale(ctx context.Context, c *clients, spec scaleSpec, workers int) error {
	k := c.kube
	fmt.Printf("seed --scale: pods=%d services=%d slices=%d ingresses=%d namespaces=%d podstatus=%v workers=%d\n",
		spec.pods, spec.services, spec.slices, spec.ingresses, spec.namespaces, spec.podStatus, workers)
	if err := runPool(ctx, "namespaces", spec.namespaces, workers, func(ctx context.Context, i int) error {
		_, err := k.CoreV1().Namespaces().Create(ctx, namespace(fmt.Sprintf("scale-%02d", i)), metav1.CreateOptions{})
		return ignoreExists(err)
	}); err != nil {
		return err
	}
	if err := createScaleClass(ctx, c); err != nil {
		return err
	}

	if err := runPool(ctx, "services", spec.services, workers, func(ctx context.Context, i int) error {
		s := makeService(scaleNS(spec, i), svcName(i), "", map[string]string{"app": svcName(i)},
			svcPort{"http", 80, intstr.FromInt32(8080)})
		_, err := k.CoreV1().Services(s.Namespace).Create(ctx, s, metav1.CreateOptions{})
		if err = ignoreExists(err); err != nil {
			return fmt.Errorf("service %s/%s: %w", s.Namespace, s.Name, err)
		}
		return nil
	}); err != nil {
		return err
	}

	if err := runPool(ctx, "pods", spec.pods, workers, func(ctx context.Context, i int) error {
		svc := i % spec.services
		p := podSpec{ns: scaleNS(spec, svc), name: fmt.Sprintf("pod-%05d", i), app: svcName(svc), ip: podIP(i), ready: i%10 != 9}
		if !spec.podStatus {
			_, err := k.CoreV1().Pods(p.ns).Create(ctx, makePod(p), metav1.CreateOptions{})
			return ignoreExists(err)
		}
		return createPod(ctx, c, p)
	}); err != nil {
		return err
	}

	if err := runPool(ctx, "endpointslices", spec.slices, workers, func(ctx context.Context, j int) error {
		svc := j % spec.services
		part := j / spec.services // several slices for one service split its pods
		perSvc := (spec.slices + spec.services - 1) / spec.services
		var eps []endpoint
		for m, p := 0, svc; p < spec.pods && len(eps) < 100; m, p = m+1, p+spec.services {
			if m%perSvc == part {
				eps = append(eps, endpoint{pod: fmt.Sprintf("pod-%05d", p), ip: podIP(p), ready: p%10 != 9})
			}
		}
		s := makeSlice(scaleNS(spec, svc), fmt.Sprintf("%s-%03d", svcName(svc), part), svcName(svc), "http", 8080, eps)
		_, err := k.DiscoveryV1().EndpointSlices(s.Namespace).Create(ctx, s, metav1.CreateOptions{})
		if err = ignoreExists(err); err != nil {
			return fmt.Errorf("endpointslice %s/%s: %w", s.Namespace, s.Name, err)
		}
		return nil
	}); err != nil {
		return err
	}

	prefix := networkingv1.PathTypePrefix
	class := "scale"
	return runPool(ctx, "ingresses", spec.ingresses, workers, func(ctx context.Context, i int) error {
		a, b := (2*i)%spec.services, (2*i+1)%spec.services
		ns := scaleNS(spec, a)
		paths := []path{{"/", prefix, svcName(a), portNum(80)}}
		if scaleNS(spec, b) == ns && b != a {
			paths = append(paths, path{"/api", prefix, svcName(b), portName("http")})
		}
		ing := &networkingv1.Ingress{
			ObjectMeta: meta(ns, fmt.Sprintf("ing-%05d", i), nil),
			Spec: networkingv1.IngressSpec{
				IngressClassName: &class,
				Rules:            []networkingv1.IngressRule{rule(fmt.Sprintf("ing-%05d.scale.example.com", i), paths...)},
			},
		}
		_, err := k.NetworkingV1().Ingresses(ns).Create(ctx, ing, metav1.CreateOptions{})
		if err = ignoreExists(err); err != nil {
			return fmt.Errorf("ingress %s/%s: %w", ns, ing.Name, err)
		}
		return nil
	})
}

func createScaleClass(ctx context.Context, c *clients) error {
	_, err := c.kube.NetworkingV1().IngressClasses().Create(ctx,
		ingressClass("scale", "k8s.io/ingress-nginx", false), metav1.CreateOptions{})
	return ignoreExists(err)
}

func parseMany(s string) (string, int, error) {
	kv, err := parseKV(s)
	if err != nil {
		return "", 0, err
	}
	if len(kv) != 1 {
		return "", 0, fmt.Errorf("want exactly one KIND=N")
	}
	for k, v := range kv {
		switch k {
		case "configmaps", "services", "secrets", "ingresses":
			return k, v, nil
		}
		return "", 0, fmt.Errorf("unknown kind %q (want configmaps, services, secrets or ingresses)", k)
	}
	return "", 0, nil
}

// seedMany creates n objects named <kind-prefix>-NNNNN in one namespace.
func seedMany(ctx context.Context, c *clients, kind string, n int, ns string, workers int) error {
	k := c.kube
	if _, err := k.CoreV1().Namespaces().Create(ctx, namespace(ns), metav1.CreateOptions{}); ignoreExists(err) != nil {
		return fmt.Errorf("namespace %s: %w", ns, err)
	}
	prefix := networkingv1.PathTypePrefix
	return runPool(ctx, kind, n, workers, func(ctx context.Context, i int) error {
		var err error
		switch kind {
		case "configmaps":
			cm := &corev1.ConfigMap{ObjectMeta: meta(ns, fmt.Sprintf("cm-%05d", i), nil),
				Data: map[string]string{"index": strconv.Itoa(i)}}
			_, err = k.CoreV1().ConfigMaps(ns).Create(ctx, cm, metav1.CreateOptions{})
		case "secrets":
			s := &corev1.Secret{ObjectMeta: meta(ns, fmt.Sprintf("secret-%05d", i), nil),
				StringData: map[string]string{"index": strconv.Itoa(i)}}
			_, err = k.CoreV1().Secrets(ns).Create(ctx, s, metav1.CreateOptions{})
		case "services":
			s := makeService(ns, fmt.Sprintf("svc-%05d", i), "", map[string]string{"app": fmt.Sprintf("svc-%05d", i)},
				svcPort{"http", 80, intstr.FromInt32(8080)})
			_, err = k.CoreV1().Services(ns).Create(ctx, s, metav1.CreateOptions{})
		case "ingresses":
			ing := &networkingv1.Ingress{ObjectMeta: meta(ns, fmt.Sprintf("ing-%05d", i), nil),
				Spec: networkingv1.IngressSpec{Rules: []networkingv1.IngressRule{
					rule(fmt.Sprintf("ing-%05d.paging.example.com", i), path{"/", prefix, "svc", portNum(80)})}}}
			_, err = k.NetworkingV1().Ingresses(ns).Create(ctx, ing, metav1.CreateOptions{})
		}
		if err = ignoreExists(err); err != nil {
			return fmt.Errorf("%s %d: %w", kind, i, err)
		}
		return nil
	})
}
