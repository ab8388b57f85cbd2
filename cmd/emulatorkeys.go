package cmd

import (
	"bufio"
	"bytes"
	"flag"
	"os"
	"strings"

	"github.com/trtcwatch/trtcwatch/emulator"
)

// Environment variables the emulator takes its keys from, so they need not
// show in the process list as flags do.
const (
	envEmuSecretID  = "TRTCWATCH_EMULATOR_SECRET_ID"
	envEmuSecretKey = "TRTCWATCH_EMULATOR_SECRET_KEY"
	envEmuToken     = "TRTCWATCH_EMULATOR_TOKEN"
)

// maxKeysFile bounds the --keys-file read: three short lines fit many times.
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

// readKeysFile reads SecretId=, SecretKey= and optional Token= lines from a
// regular file of at most maxKeysFile bytes that only its owner can read.
func readKeysFile(path string, cfg *emulator.Config) error {
	st, err := os.Stat(path)
	if err != nil {
		return usagef("--keys-file: %v", err)
	}
	if st.Mode().IsRegular() && st.Mode().Perm()&0o077 != 0 {
		return usagef("--keys-file %s is readable by others (mode %v); chmod 600 it", path, st.Mode().Perm())
	}
	data, err := emulator.ReadFileBounded(path, maxKeysFile)
	if err != nil {
		return usagef("--keys-file: %v", err)
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
