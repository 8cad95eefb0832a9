package redistest // import "github.com/redisaudit/redisauditexporter/internal/redistest"

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// TLSFiles are PEM files of a test CA and of a server certificate for 127.0.0.1 it signed.
type TLSFiles struct {
	CA, Cert, Key string
}

// StartTLS runs a redis-server that accepts only TLS connections, with client certificates
// not required, and returns it with the files a client needs to trust it.
func StartTLS(tb testing.TB, args ...string) (*Server, TLSFiles) {
	tb.Helper()
	files := WriteTLSFiles(tb, tb.TempDir())
	port := FreePort(tb)
	tlsArgs := append([]string{
		"--tls-port", strconv.Itoa(port), "--tls-cert-file", files.Cert, "--tls-key-file", files.Key,
		"--tls-ca-cert-file", files.CA, "--tls-auth-clients", "no",
	}, args...)
	s := &Server{t: tb, Port: port, Dir: tb.TempDir(), args: tlsArgs}
	s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	s.start()
	tb.Cleanup(s.Stop)
	return s, files
}

// WriteTLSFiles makes a CA and a server certificate for 127.0.0.1 and localhost in dir.
func WriteTLSFiles(tb testing.TB, dir string) TLSFiles {
	tb.Helper()
	caKey, caDER := newCert(tb, nil, nil, true)
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		tb.Fatalf("parse CA: %v", err)
	}
	srvKey, srvDER := newCert(tb, caCert, caKey, false)
	files := TLSFiles{
		CA: filepath.Join(dir, "ca.pem"), Cert: filepath.Join(dir, "server.pem"),
		Key: filepath.Join(dir, "server-key.pem"),
	}
	keyDER, err := x509.MarshalECPrivateKey(srvKey)
	if err != nil {
		tb.Fatalf("marshal key: %v", err)
	}
	writePEM(tb, files.CA, "CERTIFICATE", caDER)
	writePEM(tb, files.Cert, "CERTIFICATE", srvDER)
	writePEM(tb, files.Key, "EC PRIVATE KEY", keyDER)
	return files
}

func newCert(tb testing.TB, parent *x509.Certificate, parentKey *ecdsa.PrivateKey, isCA bool) (*ecdsa.PrivateKey, []byte) {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatalf("generate key: %v", err)
	}
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		tb.Fatalf("serial: %v", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "redisaudit test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
	}
	if isCA {
		tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
		parent, parentKey = tmpl, key
	} else {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		tmpl.IPAddresses = []net.IP{net.ParseIP("127.0.0.1")}
		tmpl.DNSNames = []string{"localhost"}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		tb.Fatalf("create certificate: %v", err)
	}
	return key, der
}

func writePEM(tb testing.TB, path, kind string, der []byte) {
	tb.Helper()
	data := pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der})
	if err := os.WriteFile(path, data, 0o600); err != nil {
		tb.Fatalf("write %s: %v", path, err)
	}
}
