// Command exec-plugin is a client-go exec credential plugin for tests. Its
// behaviour is driven only by environment variables (set through a kubeconfig's
// users[].user.exec.env), so one binary serves every test:
//
//	HS_EXEC_API_VERSION    apiVersion to answer with; default: the apiVersion in
//	                       KUBERNETES_EXEC_INFO, else client.authentication.k8s.io/v1
//	HS_EXEC_TOKEN          token to hand out (default "exec-token-valid"; when a
//	                       client certificate is configured, no token unless set)
//	HS_EXEC_COUNTER_FILE   file holding the number of calls so far (created if
//	                       missing, incremented under a lock on every call)
//	HS_EXEC_INVALID_CALLS  the first N calls (by the counter) return
//	                       HS_EXEC_INVALID_TOKEN instead (default token
//	                       "exec-token-invalid", which the API server rejects: 401)
//	HS_EXEC_EXPIRES_IN     seconds from now for status.expirationTimestamp (may be
//	                       0 or negative: already expired); unset = no expiry
//	HS_EXEC_INFO_FILE      write KUBERNETES_EXEC_INFO (raw JSON, "" if unset) here
//	HS_EXEC_ARGS_FILE      write the command-line arguments here, one per line
//	HS_EXEC_SLEEP_MS       sleep this long before answering (timeout tests)
//	HS_EXEC_CLIENT_CERT_FILE / HS_EXEC_CLIENT_KEY_FILE
//	                       PEM files returned as clientCertificateData/clientKeyData
//	HS_EXEC_STDERR         text to print on stderr (e.g. an interactive prompt)
//	HS_EXEC_EXIT_CODE      exit with this code after printing HS_EXEC_STDERR and
//	                       HS_EXEC_RAW_OUTPUT (if any), without a credential
//	HS_EXEC_RAW_OUTPUT     print exactly this instead of a credential (malformed
//	                       output tests)
//
// It never reads stdin and never logs the token.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	defaultToken   = "exec-token-valid"
	defaultInvalid = "exec-token-invalid"
	defaultAPI     = "client.authentication.k8s.io/v1"
)

func fail(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "exec-plugin: "+format+"\n", a...)
	os.Exit(1)
}

func envInt(name string, def int) int {
	v, ok := os.LookupEnv(name)
	if !ok || v == "" {
		return def
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		fail("%s=%q is not an integer", name, v)
	}
	return n
}

// bumpCounter increments the number in path under an exclusive lock and
// returns the new value (1 on the first call).
func bumpCounter(path string) int {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		fail("counter file: %v", err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		fail("locking counter file: %v", err)
	}
	buf := make([]byte, 32)
	n, _ := f.ReadAt(buf, 0)
	cur, _ := strconv.Atoi(strings.TrimSpace(string(buf[:n])))
	cur++
	if err := f.Truncate(0); err != nil {
		fail("counter file: %v", err)
	}
	if _, err := f.WriteAt([]byte(strconv.Itoa(cur)+"\n"), 0); err != nil {
		fail("counter file: %v", err)
	}
	return cur
}

func writeFile(path string, data []byte) {
	if err := os.WriteFile(path, data, 0o600); err != nil {
		fail("writing %s: %v", path, err)
	}
}

func main() {
	info := os.Getenv("KUBERNETES_EXEC_INFO")
	if p := os.Getenv("HS_EXEC_INFO_FILE"); p != "" {
		writeFile(p, []byte(info))
	}
	if p := os.Getenv("HS_EXEC_ARGS_FILE"); p != "" {
		writeFile(p, []byte(strings.Join(os.Args[1:], "\n")+"\n"))
	}
	calls := 0
	if p := os.Getenv("HS_EXEC_COUNTER_FILE"); p != "" {
		calls = bumpCounter(p)
	}
	if ms := envInt("HS_EXEC_SLEEP_MS", 0); ms > 0 {
		time.Sleep(time.Duration(ms) * time.Millisecond)
	}
	if s := os.Getenv("HS_EXEC_STDERR"); s != "" {
		fmt.Fprintln(os.Stderr, s)
	}
	if code, ok := os.LookupEnv("HS_EXEC_EXIT_CODE"); ok && code != "" {
		fmt.Print(os.Getenv("HS_EXEC_RAW_OUTPUT"))
		os.Exit(envInt("HS_EXEC_EXIT_CODE", 1))
	}
	if raw, ok := os.LookupEnv("HS_EXEC_RAW_OUTPUT"); ok {
		fmt.Print(raw)
		return
	}

	apiVersion := os.Getenv("HS_EXEC_API_VERSION")
	if apiVersion == "" && info != "" {
		var probe struct {
			APIVersion string `json:"apiVersion"`
		}
		if json.Unmarshal([]byte(info), &probe) == nil {
			apiVersion = probe.APIVersion
		}
	}
	if apiVersion == "" {
		apiVersion = defaultAPI
	}

	status := map[string]any{}
	certFile, keyFile := os.Getenv("HS_EXEC_CLIENT_CERT_FILE"), os.Getenv("HS_EXEC_CLIENT_KEY_FILE")
	if (certFile == "") != (keyFile == "") {
		fail("HS_EXEC_CLIENT_CERT_FILE and HS_EXEC_CLIENT_KEY_FILE go together")
	}
	token, tokenSet := os.LookupEnv("HS_EXEC_TOKEN")
	if certFile != "" {
		cert, err := os.ReadFile(certFile)
		if err != nil {
			fail("%v", err)
		}
		key, err := os.ReadFile(keyFile)
		if err != nil {
			fail("%v", err)
		}
		status["clientCertificateData"] = string(cert)
		status["clientKeyData"] = string(key)
	} else if !tokenSet || token == "" {
		token, tokenSet = defaultToken, true
	}
	if tokenSet && token != "" {
		if calls > 0 && calls <= envInt("HS_EXEC_INVALID_CALLS", 0) {
			token = os.Getenv("HS_EXEC_INVALID_TOKEN")
			if token == "" {
				token = defaultInvalid
			}
		}
		status["token"] = token
	}
	if v, ok := os.LookupEnv("HS_EXEC_EXPIRES_IN"); ok && v != "" {
		secs := envInt("HS_EXEC_EXPIRES_IN", 0)
		status["expirationTimestamp"] = time.Now().UTC().Add(time.Duration(secs) * time.Second).Format(time.RFC3339)
	}
	out, err := json.MarshalIndent(map[string]any{
		"apiVersion": apiVersion,
		"kind":       "ExecCredential",
		"status":     status,
	}, "", "  ")
	if err != nil {
		fail("%v", err)
	}
	os.Stdout.Write(append(out, '\n'))
}
