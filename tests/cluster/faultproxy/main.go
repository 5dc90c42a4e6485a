// Command faultproxy is a TCP proxy for fault-injection tests. It forwards a
// loopback port to a target (the kube-apiserver) without looking at the bytes,
// so TLS passes through untouched, and it is steered at run time through a line
// protocol on a second loopback port:
//
//	cut           close every open connection now (FIN); answers "OK cut N"
//	rst           like cut but abortive (TCP RST); answers "OK rst N"
//	pause         stop relaying: open connections stall, new ones are accepted
//	              by the kernel but not served until resume
//	resume        undo pause
//	delay MS      wait MS milliseconds before relaying each chunk (0 = off)
//	refuse        close new connections right after accept
//	accept        undo refuse
//	reset         clear pause, delay and refuse (connections stay open)
//	status        "OK open=N total=N paused=0|1 refusing=0|1 delay_ms=N up=BYTES down=BYTES"
//	quit          close everything and exit
//
// Every command is answered with one line that starts with "OK" or "ERR".
// Signals: SIGUSR1 = cut, SIGUSR2 = toggle pause, SIGTERM/SIGINT = quit.
//
// On start it prints one line to stdout,
//
//	LISTEN_PORT=N CONTROL_PORT=M
//
// and, with -ports-file, writes the same as shell assignments to that file.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

type proxy struct {
	target string

	mu      sync.Mutex
	cond    *sync.Cond
	paused  bool
	refuse  bool
	delay   time.Duration
	conns   map[*pair]struct{}
	total   int64
	quit    chan struct{}
	closing bool

	up, down atomic.Int64
}

type pair struct {
	mu             sync.Mutex
	client, server net.Conn
	closed         bool
}

// setServer records the upstream connection; it reports false (and closes s)
// when the pair was cut while dialing.
func (p *pair) setServer(s net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		s.Close()
		return false
	}
	p.server = s
	return true
}

func (p *pair) close(abort bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.closed = true
	{
		if abort {
			for _, c := range []net.Conn{p.client, p.server} {
				if tc, ok := c.(*net.TCPConn); ok && tc != nil {
					_ = tc.SetLinger(0)
				}
			}
		}
		if p.client != nil {
			p.client.Close()
		}
		if p.server != nil {
			p.server.Close()
		}
	}
}

func newProxy(target string) *proxy {
	p := &proxy{target: target, conns: map[*pair]struct{}{}, quit: make(chan struct{})}
	p.cond = sync.NewCond(&p.mu)
	return p
}

// gate blocks while paused and returns the current per-chunk delay.
func (p *proxy) gate() (time.Duration, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.paused && !p.closing {
		p.cond.Wait()
	}
	return p.delay, !p.closing
}

func (p *proxy) serve(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			select {
			case <-p.quit:
				return
			default:
			}
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				continue
			}
			log.Printf("accept: %v", err)
			time.Sleep(50 * time.Millisecond)
			continue
		}
		go p.handle(c)
	}
}

func (p *proxy) handle(c net.Conn) {
	p.mu.Lock()
	refuse := p.refuse
	p.mu.Unlock()
	if refuse {
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetLinger(0)
		}
		c.Close()
		return
	}
	pr := &pair{client: c}
	p.mu.Lock()
	p.conns[pr] = struct{}{}
	p.total++
	p.mu.Unlock()
	defer func() {
		pr.close(false)
		p.mu.Lock()
		delete(p.conns, pr)
		p.mu.Unlock()
	}()

	if _, ok := p.gate(); !ok {
		return
	}
	s, err := net.DialTimeout("tcp", p.target, 10*time.Second)
	if err != nil {
		log.Printf("dial %s: %v", p.target, err)
		return
	}
	if !pr.setServer(s) {
		return
	}
	done := make(chan struct{}, 2)
	go func() { p.pipe(s, c, &p.up); done <- struct{}{} }()
	go func() { p.pipe(c, s, &p.down); done <- struct{}{} }()
	// Wait for both directions: a clean EOF on one side only half-closes.
	<-done
	<-done
}

func (p *proxy) pipe(dst, src net.Conn, counter *atomic.Int64) {
	buf := make([]byte, 32*1024)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			d, ok := p.gate()
			if !ok {
				return
			}
			if d > 0 {
				time.Sleep(d)
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
			counter.Add(int64(n))
		}
		if err != nil {
			if err == io.EOF {
				if tc, ok := dst.(*net.TCPConn); ok {
					_ = tc.CloseWrite()
					// Keep the other direction going until it ends too.
					return
				}
			}
			dst.Close()
			return
		}
	}
}

func (p *proxy) cutAll(abort bool) int {
	p.mu.Lock()
	list := make([]*pair, 0, len(p.conns))
	for pr := range p.conns {
		list = append(list, pr)
		delete(p.conns, pr)
	}
	p.mu.Unlock()
	for _, pr := range list {
		pr.close(abort)
	}
	return len(list)
}

func (p *proxy) command(line string) (reply string, quit bool) {
	f := strings.Fields(line)
	if len(f) == 0 {
		return "ERR empty command", false
	}
	cmd := strings.ToLower(f[0])
	switch cmd {
	case "cut":
		return fmt.Sprintf("OK cut %d", p.cutAll(false)), false
	case "rst":
		return fmt.Sprintf("OK rst %d", p.cutAll(true)), false
	case "pause":
		p.mu.Lock()
		p.paused = true
		p.mu.Unlock()
		return "OK paused", false
	case "resume":
		p.mu.Lock()
		p.paused = false
		p.cond.Broadcast()
		p.mu.Unlock()
		return "OK resumed", false
	case "delay":
		if len(f) != 2 {
			return "ERR usage: delay MS", false
		}
		ms, err := strconv.Atoi(f[1])
		if err != nil || ms < 0 {
			return "ERR delay wants a non-negative integer of milliseconds", false
		}
		p.mu.Lock()
		p.delay = time.Duration(ms) * time.Millisecond
		p.mu.Unlock()
		return fmt.Sprintf("OK delay %d", ms), false
	case "refuse":
		p.mu.Lock()
		p.refuse = true
		p.mu.Unlock()
		return "OK refusing", false
	case "accept":
		p.mu.Lock()
		p.refuse = false
		p.mu.Unlock()
		return "OK accepting", false
	case "reset":
		p.mu.Lock()
		p.paused, p.refuse, p.delay = false, false, 0
		p.cond.Broadcast()
		p.mu.Unlock()
		return "OK reset", false
	case "status":
		p.mu.Lock()
		defer p.mu.Unlock()
		return fmt.Sprintf("OK open=%d total=%d paused=%d refusing=%d delay_ms=%d up=%d down=%d",
			len(p.conns), p.total, b2i(p.paused), b2i(p.refuse), p.delay.Milliseconds(),
			p.up.Load(), p.down.Load()), false
	case "quit", "exit":
		return "OK bye", true
	case "help":
		return "OK commands: cut rst pause resume delay refuse accept reset status quit", false
	}
	return "ERR unknown command " + strconv.Quote(f[0]), false
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (p *proxy) control(ln net.Listener, stop func()) {
	for {
		c, err := ln.Accept()
		if err != nil {
			select {
			case <-p.quit:
				return
			default:
			}
			time.Sleep(50 * time.Millisecond)
			continue
		}
		go func(c net.Conn) {
			defer c.Close()
			sc := bufio.NewScanner(c)
			for sc.Scan() {
				line := strings.TrimSpace(sc.Text())
				if line == "" {
					continue
				}
				reply, q := p.command(line)
				log.Printf("control: %s -> %s", line, reply)
				if _, err := io.WriteString(c, reply+"\n"); err != nil {
					return
				}
				if q {
					stop()
					return
				}
			}
		}(c)
	}
}

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to accept proxied connections on")
	controlAddr := flag.String("control", "127.0.0.1:0", "address of the control port")
	target := flag.String("target", "", "address to forward to, e.g. 127.0.0.1:6443 (required)")
	portsFile := flag.String("ports-file", "", "also write LISTEN_PORT=/CONTROL_PORT= lines to this file")
	quiet := flag.Bool("quiet", false, "do not log control commands to stderr")
	flag.Parse()
	if *target == "" {
		fmt.Fprintln(os.Stderr, "faultproxy: -target HOST:PORT is required")
		os.Exit(2)
	}
	if *quiet {
		log.SetOutput(io.Discard)
	}
	log.SetPrefix("faultproxy: ")
	for _, a := range []string{*listen, *controlAddr} {
		host, _, err := net.SplitHostPort(a)
		if err != nil {
			fmt.Fprintf(os.Stderr, "faultproxy: bad address %q: %v\n", a, err)
			os.Exit(2)
		}
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			fmt.Fprintf(os.Stderr, "faultproxy: refusing non-loopback address %q\n", a)
			os.Exit(2)
		}
	}

	p := newProxy(*target)
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(os.Stderr, "faultproxy: listen %s: %v\n", *listen, err)
		os.Exit(1)
	}
	cl, err := net.Listen("tcp", *controlAddr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "faultproxy: listen %s: %v\n", *controlAddr, err)
		os.Exit(1)
	}
	lport := ln.Addr().(*net.TCPAddr).Port
	cport := cl.Addr().(*net.TCPAddr).Port

	var stopOnce sync.Once
	stopped := make(chan struct{})
	stop := func() {
		stopOnce.Do(func() {
			p.mu.Lock()
			p.closing = true
			p.cond.Broadcast()
			p.mu.Unlock()
			close(p.quit)
			ln.Close()
			cl.Close()
			p.cutAll(false)
			close(stopped)
		})
	}

	if *portsFile != "" {
		tmp := *portsFile + ".tmp"
		content := fmt.Sprintf("LISTEN_PORT=%d\nCONTROL_PORT=%d\n", lport, cport)
		if err := os.WriteFile(tmp, []byte(content), 0o644); err == nil {
			err = os.Rename(tmp, *portsFile)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "faultproxy: writing %s: %v\n", *portsFile, err)
			os.Exit(1)
		}
	}
	fmt.Printf("LISTEN_PORT=%d CONTROL_PORT=%d\n", lport, cport)
	os.Stdout.Sync()

	sig := make(chan os.Signal, 4)
	signal.Notify(sig, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		for s := range sig {
			switch s {
			case syscall.SIGUSR1:
				log.Printf("SIGUSR1: cut %d", p.cutAll(false))
			case syscall.SIGUSR2:
				p.mu.Lock()
				p.paused = !p.paused
				p.cond.Broadcast()
				log.Printf("SIGUSR2: paused=%v", p.paused)
				p.mu.Unlock()
			default:
				stop()
			}
		}
	}()

	go p.serve(ln)
	go p.control(cl, stop)
	<-stopped
}
