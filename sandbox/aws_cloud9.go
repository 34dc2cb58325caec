package sandbox

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// The practice world's terminal stands for the workshop's AWS Cloud9
// environment. Cloud9 gives its terminals AWS managed temporary
// credentials (temporary keys for the person using the IDE) unless its
// owner turns them off in Preferences → AWS Settings; IAM refuses those
// credentials outright (HTTP 403 InvalidClientTokenId, "The security
// token included in the request is invalid."), while STS still answers
// who they are. The lab therefore turns them off and gives the
// environment's EC2 instance an IAM role: the sandbox user's credentials
// (SandboxAccessKeyID, the role workshop-admin on i-0sandbox) are that
// instance role's.

// Cloud9's managed temporary credentials in the practice world: one set,
// good while the setting is on (Cloud9 revokes them when it is turned off).
const (
	Cloud9ManagedAccessKeyID     = "ASIACLOUD9MANAGED001"
	Cloud9ManagedSecretAccessKey = "cloud9-managed-secret"
	cloud9ManagedToken           = "cloud9-managed-session-token"
)

// The values of Cloud9's ManagedCredentialsStatus the practice world uses:
// turned off or on by the environment's owner.
const (
	Cloud9ManagedDisabled = "DISABLED_BY_OWNER"
	Cloud9ManagedEnabled  = "ENABLED_BY_OWNER"
)

// cloud9Env is the Cloud9 environment the world's terminal is in.
type cloud9Env struct {
	id, name string
	status   string // ManagedCredentialsStatus
}

// newCloud9 is the environment as the lab leaves it: managed temporary
// credentials turned off, the instance role in use.
func newCloud9() *cloud9Env {
	return &cloud9Env{id: randHex(32), name: "eksworkshop", status: Cloud9ManagedDisabled}
}

func (e *cloud9Env) managed() bool { return e.status == Cloud9ManagedEnabled }

// Cloud9Info is the Cloud9 environment of the practice world's terminal.
type Cloud9Info struct {
	EnvironmentID string
	Name          string
	// ManagedCredentialsStatus is Cloud9's word for the setting.
	ManagedCredentialsStatus string
	// Managed: the terminal uses AWS managed temporary credentials.
	Managed bool
}

// Cloud9 is the terminal's Cloud9 environment and its setting.
func (a *AWS) Cloud9() Cloud9Info {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.cloud9Info()
}

func (a *AWS) cloud9Info() Cloud9Info {
	e := a.cloud9
	return Cloud9Info{EnvironmentID: e.id, Name: e.name, ManagedCredentialsStatus: e.status, Managed: e.managed()}
}

// SetCloud9ManagedCredentials turns the environment's AWS managed
// temporary credentials on or off, as its owner does in the IDE's
// Preferences → AWS Settings. The terminal's clients must take their
// credentials again (Sandbox.AWSConfig): the managed ones stop working
// when turned off.
func (a *AWS) SetCloud9ManagedCredentials(on bool) Cloud9Info {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.cloud9.status = Cloud9ManagedDisabled
	if on {
		a.cloud9.status = Cloud9ManagedEnabled
	}
	return a.cloud9Info()
}

// terminalCredentials are the credentials the world's terminal has: the
// managed temporary ones while the setting is on, else the instance
// role's.
func (a *AWS) terminalCredentials() aws.CredentialsProvider {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.cloud9.managed() {
		return credentials.NewStaticCredentialsProvider(Cloud9ManagedAccessKeyID, Cloud9ManagedSecretAccessKey, cloud9ManagedToken)
	}
	return credentials.NewStaticCredentialsProvider(SandboxAccessKeyID, SandboxSecretAccessKey, "")
}

// cloud9Caller is who signs with the managed temporary credentials: the
// person using the IDE (a workshop's participant role), with what that
// person may do — unknown once the setting is off.
func (a *AWS) cloud9Caller(token string) caller {
	if !a.cloud9.managed() || token != cloud9ManagedToken {
		return caller{key: Cloud9ManagedAccessKeyID}
	}
	return caller{key: Cloud9ManagedAccessKeyID, known: true, admin: true, cloud9Managed: true,
		arn:    fmt.Sprintf("arn:aws:sts::%s:assumed-role/WSParticipantRole/Participant", a.o.AccountID),
		userID: "AROASANDBOXPARTICIPNT:Participant"}
}

// refusedByCloud9 is IAM's answer to Cloud9's managed temporary
// credentials: every IAM call is refused as if the token were not valid.
func refusedByCloud9(service string, c caller) *apiError {
	if service != "IAM" || !c.cloud9Managed {
		return nil
	}
	return errf(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
}

// Cloud9State is the terminal's Cloud9 environment, as kept between runs.
type Cloud9State struct {
	EnvironmentID            string `json:"environmentId"`
	Name                     string `json:"name"`
	ManagedCredentialsStatus string `json:"managedCredentialsStatus"`
}

func (a *AWS) cloud9State() *Cloud9State {
	e := a.cloud9
	return &Cloud9State{EnvironmentID: e.id, Name: e.name, ManagedCredentialsStatus: e.status}
}

// restoreCloud9 takes the saved environment back; a world saved before it
// was kept has the lab's (the setting off).
func (a *AWS) restoreCloud9(s *Cloud9State) {
	if s == nil || s.EnvironmentID == "" {
		return
	}
	a.cloud9 = &cloud9Env{id: s.EnvironmentID, name: s.Name, status: s.ManagedCredentialsStatus}
}
