//! The simulated organisation a synthetic trail comes from: accounts, their
//! regions, and the principals (people, roles, services, federated users)
//! that call AWS, each with their own keys, addresses and user agents.
//! Built once per seed; every event is drawn from it.

use super::rng::Rng;

/// The kind of caller, which decides the `userIdentity` shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    IamUser,
    AssumedRole,
    Root,
    AwsService,
    Federated,
    AwsAccount,
    IdentityCenter,
    Saml,
    WebIdentity,
    /// `userIdentity` without a `type` (CloudTrail does write these).
    Untyped,
}

/// One role session: its name and its temporary key.
#[derive(Debug, Clone)]
pub struct Session {
    pub name: String,
    pub key: String,
}

#[derive(Debug, Clone)]
pub struct Principal {
    pub kind: Kind,
    pub account: usize,
    /// User, role, service (`invokedBy`) or federated name.
    pub name: String,
    pub principal_id: String,
    /// Long-term key of an IAM user (AKIA...), empty otherwise.
    pub key: String,
    pub sessions: Vec<Session>,
    pub ips: Vec<String>,
    pub agents: Vec<&'static str>,
    /// Share of the trail's events made by this principal.
    pub weight: u32,
}

#[derive(Debug, Clone)]
pub struct Account {
    pub id: String,
    pub regions: Vec<&'static str>,
}

#[derive(Debug, Clone)]
pub struct World {
    pub accounts: Vec<Account>,
    pub org_id: String,
    pub principals: Vec<Principal>,
    weights: Vec<u32>,
}

pub const REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "eu-north-1",
];

pub const CLI_AGENTS: &[&str] = &[
    "aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.5.0-1016-aws md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.22 md/prompt#off md/command#s3.ls",
    "aws-cli/2.13.25 Python/3.11.5 Darwin/23.1.0 exe/x86_64 prompt/off command/sts.get-caller-identity",
    "aws-cli/1.29.62 md/Botocore#1.31.62 ua/2.0 os/linux#5.15.0-1049-aws md/arch#x86_64 lang/python#3.10.12 md/pyimpl#CPython cfg/retry-mode#legacy botocore/1.31.62",
    "Boto3/1.34.51 md/Botocore#1.34.51 ua/2.0 os/linux#5.10.209-198.858.amzn2.x86_64 md/arch#x86_64 lang/python#3.9.18 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.51",
];
pub const SDK_AGENTS: &[&str] = &[
    "aws-sdk-go-v2/1.25.2 os/linux lang/go#1.21.6 md/GOOS#linux md/GOARCH#amd64 api/s3#1.51.1",
    "aws-sdk-java/2.20.162 Linux/5.10.205-195.807.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.9+8-LTS Java/17.0.9 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/legacy",
    "aws-sdk-js/3.478.0 ua/2.0 os/linux#5.10.205-215.791.amzn2.x86_64 lang/js md/nodejs#18.19.0 api/dynamodb#3.478.0",
    "Boto3/1.28.57 md/Botocore#1.31.57 ua/2.0 os/linux#5.10.192-203.720.amzn2.x86_64 md/arch#x86_64 lang/python#3.11.6 md/pyimpl#CPython exec-env/AWS_Lambda_python3.11 cfg/retry-mode#legacy Botocore/1.31.57",
];
pub const TERRAFORM_AGENTS: &[&str] = &[
    "APN/1.0 HashiCorp/1.0 Terraform/1.6.6 (+https://www.terraform.io) terraform-provider-aws/5.31.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go/1.49.6 (go1.20.12; linux; amd64) HashiCorp-terraform-exec/0.19.0",
];
pub const CONSOLE_AGENTS: &[&str] = &[
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0",
    "AWS Internal",
];

const PEOPLE: &[&str] = &[
    "alice.martin",
    "bob.nguyen",
    "carol.schmidt",
    "dave.okafor",
    "erin.kowalski",
    "frank.dubois",
    "grace.tanaka",
    "heidi.larsen",
];
const MACHINE_USERS: &[&str] = &[
    "ci-deploy",
    "terraform",
    "backup-svc",
    "monitoring-ro",
    "legacy-etl",
];
const ROLES: &[&str] = &[
    "OrganizationAccountAccessRole",
    "AWSReservedSSO_AdministratorAccess_4f2c8a1b9d3e7f60",
    "AWSReservedSSO_ReadOnlyAccess_0b9e1d7c5a3f2e48",
    "app-ec2-instance-role",
    "eks-node-group-role",
    "lambda-orders-processor-role",
    "GitHubActionsDeployRole",
    "datalake-athena-role",
];
const SERVICES: &[&str] = &[
    "cloudtrail.amazonaws.com",
    "config.amazonaws.com",
    "lambda.amazonaws.com",
    "elasticloadbalancing.amazonaws.com",
    "autoscaling.amazonaws.com",
    "ec2.amazonaws.com",
    "ssm.amazonaws.com",
    "athena.amazonaws.com",
];

/// A public address in one of the given first octets.
pub fn ip_in(rng: &mut Rng, first: &[u8]) -> String {
    format!(
        "{}.{}.{}.{}",
        rng.pick(first),
        rng.range(1, 254),
        rng.range(0, 255),
        rng.range(1, 254)
    )
}

fn account_id(rng: &mut Rng) -> String {
    format!("{:012}", rng.range(100_000_000_000, 999_999_999_999))
}

impl World {
    pub fn new(seed: u64, accounts: usize) -> World {
        let mut rng = Rng::derive(seed, u64::MAX);
        let accounts: Vec<Account> = (0..accounts.max(1))
            .map(|i| {
                let home = if i == 0 {
                    "us-east-1"
                } else {
                    *rng.pick(&REGIONS[..5])
                };
                let mut regions = vec!["us-east-1", home];
                regions.push(*rng.pick(REGIONS));
                regions.dedup();
                Account {
                    id: account_id(&mut rng),
                    regions,
                }
            })
            .collect();
        let org_id = format!("o-{}", rng.hex(10));
        let office: Vec<String> = (0..3).map(|_| ip_in(&mut rng, &[81, 89, 203])).collect();
        let mut principals = Vec::new();
        for (a, _) in accounts.iter().enumerate() {
            let mut add = |kind: Kind, name: String, weight: u32, rng: &mut Rng| {
                let ips = match kind {
                    Kind::IamUser
                    | Kind::Root
                    | Kind::Federated
                    | Kind::IdentityCenter
                    | Kind::Saml => {
                        let mut v = office.clone();
                        v.push(ip_in(rng, &[24, 73, 98, 176]));
                        v
                    }
                    Kind::WebIdentity => vec![ip_in(rng, &[4, 20, 52])],
                    _ => vec![
                        ip_in(rng, &[3, 18, 34, 52, 54]),
                        ip_in(rng, &[3, 18, 34, 52, 54]),
                    ],
                };
                let pid_prefix = match kind {
                    Kind::AssumedRole => "AROA",
                    _ => "AIDA",
                };
                let sessions = if kind == Kind::AssumedRole {
                    (0..rng.range(2, 12))
                        .map(|_| Session {
                            name: session_name(rng, &name),
                            key: format!("ASIA{}", rng.upper(16)),
                        })
                        .collect()
                } else {
                    Vec::new()
                };
                principals.push(Principal {
                    kind,
                    account: a,
                    principal_id: format!("{pid_prefix}{}", rng.upper(17)),
                    key: format!("AKIA{}", rng.upper(16)),
                    sessions,
                    ips,
                    agents: Vec::new(),
                    name,
                    weight,
                });
            };
            for p in PEOPLE.iter().take(if a == 0 { PEOPLE.len() } else { 3 }) {
                add(Kind::IamUser, (*p).to_owned(), 6, &mut rng);
            }
            for m in MACHINE_USERS {
                add(Kind::IamUser, (*m).to_owned(), 12, &mut rng);
            }
            for r in ROLES {
                add(Kind::AssumedRole, (*r).to_owned(), 40, &mut rng);
            }
            for s in SERVICES {
                add(Kind::AwsService, (*s).to_owned(), 22, &mut rng);
            }
            add(Kind::Root, "root".to_owned(), 1, &mut rng);
            add(Kind::Federated, "partner-portal".to_owned(), 5, &mut rng);
            add(Kind::AwsAccount, "AWSAccount".to_owned(), 10, &mut rng);
            add(
                Kind::IdentityCenter,
                "grace.tanaka@example.com".to_owned(),
                4,
                &mut rng,
            );
            add(
                Kind::Saml,
                "heidi.larsen@example.com".to_owned(),
                3,
                &mut rng,
            );
            add(
                Kind::WebIdentity,
                "repo:example/shop:ref:refs/heads/main".to_owned(),
                4,
                &mut rng,
            );
            add(Kind::Untyped, "untyped".to_owned(), 1, &mut rng);
        }
        for p in &mut principals {
            p.agents = agents_for(p);
        }
        let weights = principals.iter().map(|p| p.weight).collect();
        World {
            accounts,
            org_id,
            principals,
            weights,
        }
    }

    /// A caller, chosen by weight.
    pub fn pick_principal(&self, rng: &mut Rng) -> &Principal {
        &self.principals[rng.weighted(&self.weights)]
    }

    /// A caller of `account`, chosen by weight.
    pub fn pick_in_account(&self, rng: &mut Rng, account: usize) -> &Principal {
        loop {
            let p = self.pick_principal(rng);
            if p.account == account || rng.chance(0.02) {
                return p;
            }
        }
    }

    pub fn find(&self, account: usize, name: &str) -> Option<&Principal> {
        self.principals
            .iter()
            .find(|p| p.account == account && p.name == name)
    }
}

fn session_name(rng: &mut Rng, role: &str) -> String {
    if role.starts_with("AWSReservedSSO") {
        format!("{}@example.com", rng.pick(PEOPLE))
    } else if role.starts_with("app-ec2") || role.starts_with("eks") {
        format!("i-0{}", rng.hex(16))
    } else if role.starts_with("lambda") {
        "orders-processor".to_owned()
    } else if role.starts_with("GitHub") {
        format!("GitHubActions-{}", rng.range(1_000_000_000, 9_999_999_999))
    } else {
        format!(
            "botocore-session-{}",
            rng.range(1_690_000_000, 1_710_000_000)
        )
    }
}

fn agents_for(p: &Principal) -> Vec<&'static str> {
    match p.kind {
        Kind::IamUser if p.name == "terraform" || p.name == "ci-deploy" => {
            TERRAFORM_AGENTS.to_vec()
        }
        Kind::IamUser if p.name.contains('.') => {
            let mut v = CLI_AGENTS[..2].to_vec();
            v.extend_from_slice(CONSOLE_AGENTS);
            v
        }
        Kind::IamUser => SDK_AGENTS.to_vec(),
        Kind::AssumedRole if p.name.starts_with("AWSReservedSSO") => {
            let mut v = CONSOLE_AGENTS.to_vec();
            v.push(CLI_AGENTS[0]);
            v
        }
        Kind::AssumedRole if p.name.starts_with("GitHub") => TERRAFORM_AGENTS.to_vec(),
        Kind::AssumedRole => SDK_AGENTS.to_vec(),
        Kind::Root | Kind::IdentityCenter | Kind::Saml => CONSOLE_AGENTS[..3].to_vec(),
        _ => CLI_AGENTS.to_vec(),
    }
}
