# OpenTofu (or Terraform) >= 1.9 for the OKE Always Free cluster: variables.tf validates node_count
# against node_ocpus / node_memory_gbs, and a validation that reads other variables needs 1.9
# (older versions refuse the configuration). Commit .terraform.lock.hcl after the first
# `tofu init` so every apply uses the same provider build.
terraform {
  required_version = ">= 1.9.0"
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
