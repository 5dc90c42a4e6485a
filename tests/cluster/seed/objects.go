package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Labels and values shared by every seeded object, so tests can select them.
const (
	seedLabel    = "hopscope.test/seeded"
	managedBy    = "hopscope-seed"
	fakeNodeName = "hs-node-1"
	fakeHostIP   = "10.0.0.11"
)

func ptr[T any](v T) *T { return &v }

func meta(ns, name string, labels map[string]string) metav1.ObjectMeta {
	l := map[string]string{seedLabel: "true"}
	for k, v := range labels {
		l[k] = v
	}
	return metav1.ObjectMeta{Namespace: ns, Name: name, Labels: l}
}

func namespace(name string) *corev1.Namespace {
	return &corev1.Namespace{ObjectMeta: meta("", name, nil)}
}

// podSpec describes a fake pod: there is no kubelet, so the status (IP,
// readiness) is written through the status subresource after creation.
type podSpec struct {
	ns, name, app, ip string
	ready             bool
	containerPort     int32
}

func makePod(p podSpec) *corev1.Pod {
	port := p.containerPort
	if port == 0 {
		port = 8080
	}
	return &corev1.Pod{
		ObjectMeta: meta(p.ns, p.name, map[string]string{"app": p.app}),
		Spec: corev1.PodSpec{
			NodeName:                      fakeNodeName,
			AutomountServiceAccountToken:  ptr(false),
			TerminationGracePeriodSeconds: ptr(int64(0)),
			Containers: []corev1.Container{{
				Name:  p.app,
				Image: "registry.example.invalid/" + p.app + ":1.0",
				Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: port, Protocol: corev1.ProtocolTCP}},
			}},
		},
	}
}

// setPodStatus fills in what a kubelet would report for a running pod.
func setPodStatus(pod *corev1.Pod, ip string, ready bool) {
	now := metav1.NewTime(time.Now().Truncate(time.Second))
	readyStatus := corev1.ConditionFalse
	if ready {
		readyStatus = corev1.ConditionTrue
	}
	pod.Status = corev1.PodStatus{
		Phase:     corev1.PodRunning,
		HostIP:    fakeHostIP,
		HostIPs:   []corev1.HostIP{{IP: fakeHostIP}},
		PodIP:     ip,
		PodIPs:    []corev1.PodIP{{IP: ip}},
		StartTime: &now,
		QOSClass:  corev1.PodQOSBestEffort,
		Conditions: []corev1.PodCondition{
			{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: now},
			{Type: corev1.PodInitialized, Status: corev1.ConditionTrue, LastTransitionTime: now},
			{Type: corev1.ContainersReady, Status: readyStatus, LastTransitionTime: now},
			{Type: corev1.PodReady, Status: readyStatus, LastTransitionTime: now},
		},
	}
	for _, c := range pod.Spec.Containers {
		pod.Status.ContainerStatuses = append(pod.Status.ContainerStatuses, corev1.ContainerStatus{
			Name:    c.Name,
			Image:   c.Image,
			ImageID: c.Image,
			Ready:   ready,
			Started: ptr(true),
			State:   corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: now}},
		})
	}
}

// createPod creates the pod and then sets its status (IP, readiness).
func createPod(ctx context.Context, c *clients, p podSpec) error {
	pods := c.kube.CoreV1().Pods(p.ns)
	created, err := pods.Create(ctx, makePod(p), metav1.CreateOptions{})
	if err != nil {
		if err = ignoreExists(err); err != nil {
			return fmt.Errorf("pod %s/%s: %w", p.ns, p.name, err)
		}
		created, err = pods.Get(ctx, p.name, metav1.GetOptions{})
		if err != nil {
			return fmt.Errorf("pod %s/%s: %w", p.ns, p.name, err)
		}
		if created.Status.PodIP == p.ip {
			return nil
		}
	}
	setPodStatus(created, p.ip, p.ready)
	if _, err := pods.UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("pod %s/%s status: %w", p.ns, p.name, err)
	}
	return nil
}

type svcPort struct {
	name   string
	port   int32
	target intstr.IntOrString
}

func makeService(ns, name, clusterIP string, selector map[string]string, ports ...svcPort) *corev1.Service {
	s := &corev1.Service{
		ObjectMeta: meta(ns, name, map[string]string{"app": name}),
		Spec: corev1.ServiceSpec{
			Type:      corev1.ServiceTypeClusterIP,
			ClusterIP: clusterIP,
			Selector:  selector,
		},
	}
	if clusterIP != "" {
		s.Spec.ClusterIPs = []string{clusterIP}
	}
	for _, p := range ports {
		s.Spec.Ports = append(s.Spec.Ports, corev1.ServicePort{
			Name: p.name, Port: p.port, TargetPort: p.target, Protocol: corev1.ProtocolTCP,
		})
	}
	return s
}

type endpoint struct {
	pod, ip string
	ready   bool
}

// makeSlice builds an EndpointSlice as the endpointslice controller would
// (there is no controller-manager in the test cluster).
func makeSlice(ns, name, service string, portName string, port int32, eps []endpoint) *discoveryv1.EndpointSlice {
	s := &discoveryv1.EndpointSlice{
		ObjectMeta: meta(ns, name, map[string]string{
			discoveryv1.LabelServiceName: service,
			discoveryv1.LabelManagedBy:   managedBy,
		}),
		AddressType: discoveryv1.AddressTypeIPv4,
		Ports: []discoveryv1.EndpointPort{{
			Name: ptr(portName), Port: ptr(port), Protocol: ptr(corev1.ProtocolTCP),
		}},
	}
	for _, e := range eps {
		s.Endpoints = append(s.Endpoints, discoveryv1.Endpoint{
			Addresses: []string{e.ip},
			Conditions: discoveryv1.EndpointConditions{
				Ready: ptr(e.ready), Serving: ptr(e.ready), Terminating: ptr(false),
			},
			NodeName:  ptr(fakeNodeName),
			TargetRef: &corev1.ObjectReference{Kind: "Pod", Namespace: ns, Name: e.pod},
		})
	}
	return s
}

type path struct {
	path     string
	pathType networkingv1.PathType
	service  string
	port     networkingv1.ServiceBackendPort
}

func portNum(n int32) networkingv1.ServiceBackendPort {
	return networkingv1.ServiceBackendPort{Number: n}
}
func portName(n string) networkingv1.ServiceBackendPort {
	return networkingv1.ServiceBackendPort{Name: n}
}

func backend(svc string, port networkingv1.ServiceBackendPort) *networkingv1.IngressBackend {
	return &networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: svc, Port: port}}
}

func rule(host string, paths ...path) networkingv1.IngressRule {
	r := networkingv1.IngressRule{Host: host, IngressRuleValue: networkingv1.IngressRuleValue{
		HTTP: &networkingv1.HTTPIngressRuleValue{},
	}}
	for _, p := range paths {
		pt := p.pathType
		r.HTTP.Paths = append(r.HTTP.Paths, networkingv1.HTTPIngressPath{
			Path: p.path, PathType: &pt, Backend: *backend(p.service, p.port),
		})
	}
	return r
}

func ingressClass(name, controller string, isDefault bool) *networkingv1.IngressClass {
	ic := &networkingv1.IngressClass{
		ObjectMeta: meta("", name, nil),
		Spec:       networkingv1.IngressClassSpec{Controller: controller},
	}
	if isDefault {
		ic.Annotations = map[string]string{networkingv1.AnnotationIsDefaultIngressClass: "true"}
	}
	return ic
}

// selfSignedTLS returns a PEM certificate and key for the given DNS names.
func selfSignedTLS(hosts ...string) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: hosts[0], Organization: []string{"Hopscope test"}},
		DNSNames:     hosts,
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), nil
}

func tlsSecret(ns, name string, hosts ...string) (*corev1.Secret, error) {
	cert, key, err := selfSignedTLS(hosts...)
	if err != nil {
		return nil, err
	}
	return &corev1.Secret{
		ObjectMeta: meta(ns, name, nil),
		Type:       corev1.SecretTypeTLS,
		Data:       map[string][]byte{corev1.TLSCertKey: cert, corev1.TLSPrivateKeyKey: key},
	}, nil
}
