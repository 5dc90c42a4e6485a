#pragma once
// YAML fixtures for tst_nginx.cpp (kept out of the test file: moc does not parse raw strings).

namespace fixtures {
inline constexpr const char* kConflicts = R"(apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec: {controller: k8s.io/ingress-nginx}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: old, namespace: shop, creationTimestamp: "2026-01-01T00:00:00Z"}
spec:
  ingressClassName: nginx
  rules: [{host: h.test, http: {paths: [{path: /api, pathType: Prefix, backend: {service: {name: a, port: {number: 80}}}}]}}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: new, namespace: shop, creationTimestamp: "2026-02-01T00:00:00Z"}
spec:
  ingressClassName: nginx
  rules: [{host: h.test, http: {paths: [{path: /api, pathType: Prefix, backend: {service: {name: b, port: {number: 80}}}}]}}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: lonely
  namespace: shop
  annotations: {nginx.ingress.kubernetes.io/canary: "true"}
spec:
  ingressClassName: nginx
  rules: [{host: h.test, http: {paths: [{path: /nothing, pathType: Prefix, backend: {service: {name: c, port: {number: 80}}}}]}}]
)";
inline constexpr const char* kBadRegex = R"(apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec: {controller: k8s.io/ingress-nginx}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: re
  annotations: {nginx.ingress.kubernetes.io/use-regex: "true"}
spec:
  ingressClassName: nginx
  rules: [{host: r.test, http: {paths: [{path: "/a(b", pathType: ImplementationSpecific, backend: {service: {name: a, port: {number: 80}}}}]}}]
)";
}  // namespace fixtures
