// Package pgtest gives tests a real PostgreSQL server: the first test that
// asks for a database starts one from the installed binaries (Debian's
// postgresql package) in a temporary directory, listening on a free
// loopback port and on a Unix socket in that directory, and [Main] stops it
// when the package's tests end. Each call to [URL] creates a fresh, empty
// database on it.
//
// When PostgreSQL is not installed, a test that needs it is skipped with
// the reason and how to install it, unless AUTHSPEC_REQUIRE_POSTGRES is set
// (make test sets it): then it fails. A server that is installed but does
// not start always fails the test.
//
// AUTHSPEC_POSTGRES_URL names an existing server to use instead (a role
// that may create databases); its databases are created and dropped the same
// way. AUTHSPEC_POSTGRES_BIN names the directory of initdb and postgres when
// they are elsewhere.
//
// initdb and postgres refuse to run as root; run as root, the server runs
// as the postgres user that the Debian package creates (or nobody), and the
// temporary directory is handed to that user.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// RequireEnv makes a missing PostgreSQL a failure rather than a skip.
const RequireEnv = "AUTHSPEC_REQUIRE_POSTGRES"

// URLEnv names an existing server to use instead of starting one.
const URLEnv = "AUTHSPEC_POSTGRES_URL"

// DurableEnv keeps the server's durability settings (fsync, synchronous
// commit, full page writes) at PostgreSQL's defaults, for measurements that
// should reflect a real deployment; otherwise they are off, as the data
// lives only as long as the tests.
const DurableEnv = "AUTHSPEC_POSTGRES_DURABLE"

// BinEnv names the directory of initdb and postgres, for installations
// that put them neither in PATH nor where Debian does.
const BinEnv = "AUTHSPEC_POSTGRES_BIN"

// install is what the skip and failure messages tell the reader to do.
const install = "install Debian's postgresql package (apt-get install -y postgresql, or make deps)"

// startTimeout bounds the start of the server: a safety net far above the
// second or two it takes, for a loaded machine.
const startTimeout = 2 * time.Minute

var (
	mu      sync.Mutex
	started bool
	srv     *server // nil until started, or when startErr is set
	base    *url.URL
	startE  error
	missing string // why PostgreSQL cannot be started: not installed
	dbSeq   atomic.Int64
)

// Main runs the tests of m and stops the server if one was started. Use it
// from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
func Main(m *testing.M) int {
	code := m.Run()
	mu.Lock()
	defer mu.Unlock()
	if srv != nil {
		if err := srv.stop(); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
			if code == 0 {
				code = 1
			}
		}
		srv = nil
	}
	return code
}

// URL returns the URL of a new, empty database that is dropped when t ends.
// It skips t (or fails it, under AUTHSPEC_REQUIRE_POSTGRES) when
// PostgreSQL is not installed.
func URL(t testing.TB) string {
	t.Helper()
	u := serverURL(t)
	name := fmt.Sprintf("authspec_test_%d_%d", os.Getpid(), dbSeq.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	admin, err := pgx.Connect(ctx, u.String())
	if err != nil {
		t.Fatalf("pgtest: connect to %s: %v", u.Redacted(), err)
	}
	defer admin.Close(context.Background())
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("pgtest: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
		defer cancel()
		admin, err := pgx.Connect(ctx, u.String())
		if err != nil {
			t.Errorf("pgtest: connect to drop database %s: %v", name, err)
			return
		}
		defer admin.Close(context.Background())
		// FORCE ends the connections of stores a test left open.
		if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	db := *u
	db.Path = "/" + name
	return db.String()
}

// serverURL returns the URL of the server's maintenance database, starting
// the server on first use.
func serverURL(t testing.TB) *url.URL {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	if !started {
		started = true
		base, srv, missing, startE = start()
	}
	switch {
	case missing != "" && os.Getenv(RequireEnv) != "":
		t.Fatalf("PostgreSQL is required (%s is set) but %s: %s", RequireEnv, missing, install)
	case missing != "":
		t.Skipf("needs PostgreSQL, but %s: %s (or set %s to a server's URL)", missing, install, URLEnv)
	case startE != nil:
		t.Fatalf("pgtest: %v", startE)
	}
	return base
}

// start starts the server, or reports why it cannot: missing is set when
// PostgreSQL is not installed, err when it is but does not start.
func start() (u *url.URL, s *server, missing string, err error) {
	if v := os.Getenv(URLEnv); v != "" {
		u, err := url.Parse(v)
		if err != nil {
			return nil, nil, "", fmt.Errorf("%s: %w", URLEnv, err)
		}
		return u, nil, "", nil
	}
	removeStale()
	bin, ok := binDir()
	if !ok {
		if d := os.Getenv(BinEnv); d != "" {
			return nil, nil, fmt.Sprintf("its programs (initdb, postgres) are not in %s (%s)", d, BinEnv), nil
		}
		return nil, nil, "its programs (initdb, postgres) are neither in PATH nor in /usr/lib/postgresql/*/bin", nil
	}
	s, err = startServer(bin)
	if err != nil {
		return nil, nil, "", err
	}
	return s.url, s, "", nil
}

// staleAge is how old the directory of a server that no longer runs must
// be before removeStale removes it: far longer than a start takes.
const staleAge = time.Hour

// removeStale removes the directories of servers that test binaries
// started and could not stop (a test that panicked ends the binary before
// Main's cleanup; the kernel then stops the server, see launch).
func removeStale() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "authspec-pgtest-*"))
	for _, d := range dirs {
		fi, err := os.Stat(d)
		if err != nil || time.Since(fi.ModTime()) < staleAge {
			continue
		}
		if pid, err := os.ReadFile(filepath.Join(d, "data", "postmaster.pid")); err == nil {
			line, _, _ := strings.Cut(string(pid), "\n")
			if n, err := strconv.Atoi(strings.TrimSpace(line)); err == nil && alive(n) {
				continue // still running
			}
		}
		_ = os.RemoveAll(d)
	}
}

// alive reports whether process pid exists.
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// binDir finds the directory of initdb and postgres: PATH, then the newest
// /usr/lib/postgresql/VERSION/bin (Debian keeps them off PATH).
func binDir() (string, bool) {
	if d := os.Getenv(BinEnv); d != "" {
		for _, name := range []string{"initdb", "postgres"} {
			if _, err := os.Stat(filepath.Join(d, name)); err != nil {
				return "", false
			}
		}
		return d, true
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		dir := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(dir, "postgres")); err == nil {
			return dir, true
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int { return version(b) - version(a) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err != nil {
			continue
		}
		if _, err := os.Stat(filepath.Join(d, "postgres")); err == nil {
			return d, true
		}
	}
	return "", false
}

// version is the major version in /usr/lib/postgresql/VERSION/bin.
func version(dir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return v
}

// server is a running postgres.
type server struct {
	dir  string // the temporary directory: data, socket, log
	url  *url.URL
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has exited
	wait error
}

// owner is the user the server runs as: the current one, unless that is
// root, which initdb and postgres refuse.
func owner() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, err1 := strconv.Atoi(u.Uid)
		gid, err2 := strconv.Atoi(u.Gid)
		if err1 != nil || err2 != nil {
			continue
		}
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}, nil
	}
	return nil, errors.New("running as root, and neither a postgres nor a nobody user exists to run the server")
}

func startServer(bin string) (*server, error) {
	cred, err := owner()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "authspec-pgtest-")
	if err != nil {
		return nil, fmt.Errorf("temporary directory: %w", err)
	}
	fail := func(err error) (*server, error) {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return fail(fmt.Errorf("hand %s to the server's user: %w", dir, err))
		}
	}
	data := filepath.Join(dir, "data")
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", "authspec", "--auth=trust",
		"-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	initdb.Dir = dir
	if out, err := initdb.CombinedOutput(); err != nil {
		return fail(fmt.Errorf("initdb in %s: %w\n%s", dir, err, out))
	}

	// A free port is found by listening on port 0; another process may
	// take it before postgres does, so the start is retried on another.
	var lastErr error
	for range 3 {
		port, err := freePort()
		if err != nil {
			return fail(err)
		}
		s, err := launch(bin, dir, data, port, cred)
		if err == nil {
			return s, nil
		}
		lastErr = err
	}
	return fail(lastErr)
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// launch starts postgres on port and waits until it accepts connections.
// Durability is off (fsync, full page writes, synchronous commit) unless
// AUTHSPEC_POSTGRES_DURABLE is set: the data lives as long as the tests.
func launch(bin, dir, data string, port int, cred *syscall.Credential) (*server, error) {
	logPath := filepath.Join(dir, "postgres.log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("server log: %w", err)
	}
	defer logFile.Close()
	args := []string{"-D", data, "-h", "127.0.0.1", "-p", strconv.Itoa(port), "-k", dir,
		"-c", "max_connections=300", "-c", "shared_buffers=64MB"}
	if os.Getenv(DurableEnv) == "" {
		args = append(args, "-c", "fsync=off", "-c", "full_page_writes=off", "-c", "synchronous_commit=off")
	}
	cmd := exec.Command(filepath.Join(bin, "postgres"), args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.Dir = dir
	// Pdeathsig stops the server when the test binary dies without running
	// Main's cleanup. It fires when the thread that started the process
	// ends, so that thread stays locked to the goroutine below, which lives
	// as long as the server.
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL}
	s := &server{dir: dir, cmd: cmd, done: make(chan struct{}),
		url: &url.URL{Scheme: "postgres", User: url.User("authspec"), Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
			Path: "/postgres", RawQuery: "sslmode=disable"}}
	startErr := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := cmd.Start(); err != nil {
			startErr <- err
			close(s.done)
			return
		}
		startErr <- nil
		s.wait = cmd.Wait()
		close(s.done)
	}()
	if err := <-startErr; err != nil {
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	if err := s.ready(logPath); err != nil {
		_ = s.stop()
		return nil, err
	}
	return s, nil
}

// ready waits until the server accepts connections, or has exited.
func (s *server) ready(logPath string) error {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	for {
		conn, err := pgx.Connect(ctx, s.url.String())
		if err == nil {
			_ = conn.Close(ctx)
			return nil
		}
		select {
		case <-s.done:
			log, _ := os.ReadFile(logPath)
			return fmt.Errorf("postgres exited (%v) before accepting connections:\n%s", s.wait, strings.TrimSpace(string(log)))
		case <-ctx.Done():
			log, _ := os.ReadFile(logPath)
			return fmt.Errorf("postgres accepted no connection within %s: %v\n%s", startTimeout, err, strings.TrimSpace(string(log)))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// stop shuts the server down (fast shutdown: SIGINT) and removes its
// directory.
func (s *server) stop() error {
	select {
	case <-s.done:
	default:
		_ = s.cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-s.done:
		case <-time.After(startTimeout):
			_ = s.cmd.Process.Kill()
			<-s.done
		}
	}
	if err := os.RemoveAll(s.dir); err != nil {
		return fmt.Errorf("remove %s: %w", s.dir, err)
	}
	return nil
}
