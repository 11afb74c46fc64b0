# OpenTofu (or Terraform) >= 1.9 for the OKE Always Free cluster: variables.tf validates node_count
# against node_ocpus / node_memory_gbs, and a validation that reads other variables needs 1.9 (both
# tools added it then; older versions refuse the configuration). Nothing else here needs more.
# Checked with OpenTofu 1.10.10 (scripts/cluster/oke-tofu.stack.test.ts: fmt, and init/validate/plan
# of the variables; the OCI provider cannot be obtained on the build machines). Commit
# .terraform.lock.hcl after the first `tofu init` so every apply uses the same provider build.
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
