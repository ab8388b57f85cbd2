package cmd

import (
	"bufio"
	"bytes"
	"flag"
	"os"
	"strings"

	"github.com/trtcwatch/trtcwatch/callback"
	"github.com/trtcwatch/trtcwatch/emulator"
	"github.com/trtcwatch/trtcwatch/safefile"
)

// Environment variables the keys can come from, so they need not show in
// the process list as flags do.
const (
	envEmuSecretID  = "TRTCWATCH_EMULATOR_SECRET_ID"
	envEmuSecretKey = "TRTCWATCH_EMULATOR_SECRET_KEY"
	envEmuToken     = "TRTCWATCH_EMULATOR_TOKEN"
	envCallbackKey  = "TRTCWATCH_CALLBACK_KEY"
)

// maxKeysFile bounds the read of a file of keys (--keys-file,
// --callback-key-file): three short lines fit many times.
const maxKeysFile = 4 << 10

// emulatorKeys gathers the key pair and token from exactly one source: the
// flags, the environment or --keys-file. Two sources at once is a usage
// error, so nobody wonders which one won.
func emulatorKeys(fs *flag.FlagSet, keysFile string, cfg *emulator.Config) error {
	var sources []string
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "secret-id" || f.Name == "secret-key" || f.Name == "token" {
			sources = append(sources, "--"+f.Name)
		}
	})
	flagged := len(sources) > 0
	id, key, tok := os.Getenv(envEmuSecretID), os.Getenv(envEmuSecretKey), os.Getenv(envEmuToken)
	env := id != "" || key != "" || tok != ""
	if env {
		sources = append(sources, "the "+envEmuSecretID+"/"+envEmuSecretKey+" environment")
	}
	if keysFile != "" {
		sources = append(sources, "--keys-file")
	}
	if len(sources) > 1 && !(flagged && !env && keysFile == "") {
		return usagef("emulator keys come from %s at once; give them one way", strings.Join(sources, " and "))
	}
	switch {
	case env:
		cfg.SecretID, cfg.SecretKey, cfg.Token = id, key, tok
	case keysFile != "":
		return readKeysFile(keysFile, cfg)
	}
	if cfg.SecretID == "" || cfg.SecretKey == "" {
		return usagef("emulator needs both a SecretId and a SecretKey (or neither, for the demo pair)")
	}
	return nil
}

// readKeysFile reads SecretId=, SecretKey= and optional Token= lines from
// the --keys-file (readSecretFile).
func readKeysFile(path string, cfg *emulator.Config) error {
	data, err := readSecretFile("--keys-file", path)
	if err != nil {
		return err
	}
	var id, key, tok string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		switch {
		case !ok:
			return usagef("--keys-file %s line %d: want NAME=VALUE (SecretId, SecretKey, Token)", path, n)
		case name == "SecretId":
			id = value
		case name == "SecretKey":
			key = value
		case name == "Token":
			tok = value
		default: // the name only: the line may hold a key
			return usagef("--keys-file %s line %d: unknown name %q (want SecretId, SecretKey or Token)", path, n, name)
		}
	}
	if id == "" || key == "" {
		return usagef("--keys-file %s: needs both SecretId= and SecretKey= lines", path)
	}
	cfg.SecretID, cfg.SecretKey, cfg.Token = id, key, tok
	return nil
}

// callbackKey is the key that signs the emulator's callbacks, from exactly
// one of --callback-key, the TRTCWATCH_CALLBACK_KEY environment (read only
// with --callback-url, so a key exported for another trtcwatch does not
// stop a plain emulator) and --callback-key-file (the key on one line,
// readSecretFile): "" when none, and the callbacks go unsigned. A key
// given is checked against the TRTC console's rule (callback.ValidateKey),
// so a pasted newline or quote is caught at start; errors never quote it.
func callbackKey(fs *flag.FlagSet, withURL bool, flagged, file string) (string, error) {
	var sources []string
	if flagSet(fs, "callback-key") {
		sources = append(sources, "--callback-key")
	}
	env := ""
	if withURL {
		env = os.Getenv(envCallbackKey)
	}
	if env != "" {
		sources = append(sources, "the "+envCallbackKey+" environment")
	}
	if file != "" {
		sources = append(sources, "--callback-key-file")
	}
	key := flagged
	switch {
	case len(sources) > 1:
		return "", usagef("the callback key comes from %s at once; give it one way", strings.Join(sources, " and "))
	case len(sources) == 0:
		return "", nil
	case env != "":
		key = env
	case file != "":
		data, err := readSecretFile("--callback-key-file", file)
		if err != nil {
			return "", err
		}
		key = strings.TrimSpace(string(data))
	}
	if err := callback.ValidateKey(key); err != nil {
		return "", usagef("%s: %v", sources[0], err)
	}
	return key, nil
}

// readSecretFile reads a file given by flag that holds a secret: a
// regular file of at most maxKeysFile bytes (safefile.ReadRegular, so a
// FIFO cannot hang start-up nor a device fill memory) that only its owner
// can read. Errors name the flag and the file, never what it holds.
func readSecretFile(flag, path string) ([]byte, error) {
	data, fi, err := safefile.ReadRegular(path, maxKeysFile)
	if err != nil {
		return nil, usagef("%s: %v", flag, err)
	}
	if p := fi.Mode().Perm(); p&0o077 != 0 {
		return nil, usagef("%s %s is readable by others (mode %v); chmod 600 it", flag, path, p)
	}
	return data, nil
}
