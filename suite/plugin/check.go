package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/plugin/abi"
	"github.com/authspec/authspec/suite/vocab"
)

// CheckID is the run's ID of a plugin's check.
func CheckID(plugin, id string) string { return plugin + "-" + id }

// Checks turns the plugin's description into checks of the suite.
func (p *Plugin) Checks() []*suite.Check {
	var out []*suite.Check
	for _, info := range p.Desc.Checks {
		info := info
		req := make([]vocab.Feature, 0, len(info.Requires))
		for _, f := range info.Requires {
			req = append(req, vocab.Feature(f))
		}
		profiles := append([]vocab.Profile{vocab.ProfilePlugins}, vocab.Profiles(info.Profiles)...)
		out = append(out, &suite.Check{
			ID: CheckID(p.Desc.Name, info.ID), Spec: suite.Spec(info.Spec), Section: info.Section,
			Level: suite.Level(info.Level), Requires: req, Profiles: profiles,
			Title: info.Title + " (plugin " + p.Desc.Name + ")", Quote: info.Quote,
			Run: func(ctx context.Context, t *suite.T) error { return p.run(ctx, t, info) },
		})
	}
	return out
}

// run calls the plugin for one check in a fresh instance.
func (p *Plugin) run(ctx context.Context, t *suite.T, info abi.CheckInfo) error {
	budget := p.opts.Budget
	ctx, clock, cancel := withBudget(ctx, budget)
	defer cancel()
	cb, err := listenCallback()
	if err != nil {
		return err
	}
	defer cb.close()
	in := abi.Input{ABI: abi.Version, Check: info.ID, Callback: cb.url, Config: p.opts.Config, Target: targetInfo(t)}
	state := &callState{ctx: ctx, clock: clock, t: t, check: CheckID(p.Desc.Name, info.ID), origins: targetOrigins(t), callback: cb.url, redirects: []string{cb.url}}
	state.origins[origin(mustParse(cb.url))] = true
	for _, want := range info.Requires {
		var c *fixture.Client
		var name string
		switch vocab.Feature(want) {
		case vocab.FeatureConfidential:
			name = "confidential"
			c, err = t.Confidential(ctx)
		case vocab.FeaturePublicClient:
			name = "public"
			c, err = t.Public(ctx)
		default:
			continue
		}
		if err != nil {
			return err
		}
		if in.Clients == nil {
			in.Clients = map[string]abi.Client{}
		}
		in.Clients[name] = abi.Client{ClientID: c.ID, ClientSecret: c.Secret, RedirectURI: c.RedirectURI, AuthMethod: c.AuthMethod, RequirePAR: c.RequirePAR}
		state.redirects = append(state.redirects, c.RedirectURI)
	}
	input, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("encode the plugin input: %w", err)
	}
	ctx = context.WithValue(ctx, stateKey{}, state)
	start := time.Now()
	inst, err := p.instantiate(ctx)
	if err != nil {
		return fmt.Errorf("plugin %s: %w", p.Desc.Name, err)
	}
	defer inst.close(context.Background())
	inst.redact = t.Transport.RedactText
	instantiated := time.Since(start)
	ptr, err := inst.write(ctx, budget, input)
	if err != nil {
		return fmt.Errorf("plugin %s: %w", p.Desc.Name, err)
	}
	out, err := inst.call(ctx, abi.ExportRun, budget, uint64(ptr), uint64(len(input)))
	if err != nil {
		return fmt.Errorf("plugin %s: %s: %w", p.Desc.Name, abi.ExportRun, err)
	}
	t.Logf("plugin %s: instantiated in %s, ran in %s", p.Desc.Name, instantiated.Round(time.Microsecond), time.Since(start).Round(time.Millisecond))
	if s := strings.TrimSpace(inst.stdout.String()); s != "" {
		t.Logf("plugin %s stdout: %s", p.Desc.Name, s)
	}
	state.mu.Lock()
	violations := append([]string(nil), state.violations...)
	state.mu.Unlock()
	if len(violations) > 0 {
		return fmt.Errorf("plugin %s broke the sandbox rules, so its result is void: %s", p.Desc.Name, strings.Join(violations, "; "))
	}
	var r abi.Result
	if err := strictJSON(out, &r); err != nil {
		return fmt.Errorf("plugin %s returned a malformed result: %w", p.Desc.Name, err)
	}
	return toError(p.Desc.Name, r)
}

func toError(name string, r abi.Result) error {
	switch r.Status {
	case abi.StatusPass:
		return nil
	case abi.StatusFail, abi.StatusWarn:
		msg := r.Message
		if msg == "" {
			msg = "the plugin reports a failure without saying why"
		}
		return &suite.Failure{Message: msg, Want: r.Want, Got: r.Got, Fix: r.Fix, Observation: r.Status == abi.StatusWarn}
	case abi.StatusSkip:
		if r.Message == "" {
			return suite.SkipErr("plugin %s skipped the check without saying why", name)
		}
		return suite.SkipErr("%s", r.Message)
	case abi.StatusError:
		return fmt.Errorf("plugin %s: %s", name, r.Message)
	}
	return fmt.Errorf("plugin %s returned the unknown status %q (use pass, fail, warn, skip or error)", name, r.Status)
}

func targetInfo(t *suite.T) abi.Target {
	tg := t.Target
	return abi.Target{
		Issuer: tg.Issuer, MetadataURL: tg.MetadataURL, Metadata: tg.Metadata.Raw,
		Resource: tg.Resource, ResourceMetadataURL: tg.ResourceMetadataURL, ResourceMetadata: tg.ResourceMetadata,
		Scopes: tg.Config.Scopes, Features: vocab.Strings(tg.Features()),
	}
}

func sortStrings(s []string) { sort.Strings(s) }
