# OpenTofu (or Terraform >= 1.6) for the OKE Always Free cluster. Commit .terraform.lock.hcl after
# the first `tofu init` so every apply uses the same provider build.
terraform {
  required_version = ">= 1.6.0"
  required_providers {
    oci = {
      source  = "oracle/oci"
      version = "~> 7.0"
    }
  }
}

provider "oci" {
  region = var.region
}
