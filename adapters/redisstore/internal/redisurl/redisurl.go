// Package redisurl turns a Redis URL into a go-redis client: one server, or
// a cluster when the URL lists several seeds. It never echoes the URL back,
// since the URL may carry a password.
package redisurl

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/redis/go-redis/v9"
)

// NewClient returns a client for rawURL and the address(es) it names, for
// messages. "redis://host:port/0" and "rediss://…" name one server, with
// go-redis's query options; "redis://h1:p1,h2:p2,…" names cluster seeds.
func NewClient(rawURL string) (redis.UniversalClient, string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		// url.Error repeats the URL, password and all: keep only the cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, "", fmt.Errorf("invalid Redis URL: %w", err)
	}
	hosts := strings.Split(u.Host, ",")
	if len(hosts) == 1 {
		o, err := redis.ParseURL(rawURL)
		if err != nil {
			return nil, "", fmt.Errorf("invalid Redis URL: %w", err)
		}
		return redis.NewClient(o), o.Addr, nil
	}
	u.Host = hosts[0]
	q := u.Query()
	for _, h := range hosts[1:] {
		if h == "" {
			return nil, "", errors.New("invalid Redis URL: empty host in the list of cluster seeds")
		}
		q.Add("addr", h)
	}
	u.RawQuery = q.Encode()
	o, err := redis.ParseClusterURL(u.String())
	if err != nil {
		return nil, "", fmt.Errorf("invalid Redis URL: %w", err)
	}
	return redis.NewClusterClient(o), strings.Join(o.Addrs, ","), nil
}
