# OKE basic cluster (no control-plane fee) with one Ampere A1.Flex node inside Always Free.
data "oci_identity_availability_domains" "ads" {
  compartment_id = var.tenancy_ocid
}

data "oci_containerengine_node_pool_option" "a1" {
  node_pool_option_id = "all"
  compartment_id      = var.compartment_ocid
}

locals {
  # The newest Oracle Linux aarch64 OKE image built for our Kubernetes version.
  node_image_id = [
    for s in data.oci_containerengine_node_pool_option.a1.sources : s.image_id
    if length(regexall("aarch64", s.source_name)) > 0 &&
    length(regexall("OKE-${trimprefix(var.kubernetes_version, "v")}", s.source_name)) > 0
  ][0]
}

resource "oci_containerengine_cluster" "tasktide" {
  compartment_id     = var.compartment_ocid
  name               = "tasktide"
  kubernetes_version = var.kubernetes_version
  vcn_id             = oci_core_vcn.tasktide.id
  type               = "BASIC_CLUSTER"

  endpoint_config {
    subnet_id            = oci_core_subnet.api.id
    is_public_ip_enabled = true
  }

  options {
    service_lb_subnet_ids = [oci_core_subnet.lb.id]
    kubernetes_network_config {
      pods_cidr     = "10.244.0.0/16"
      services_cidr = "10.96.0.0/16"
    }
  }

  cluster_pod_network_options {
    # Flannel overlay: pods do not consume VCN addresses; NetworkPolicies are enforced by Calico
    # installed per clusters/oke/README.md (flannel alone does not enforce them).
    cni_type = "FLANNEL_OVERLAY"
  }
}

resource "oci_containerengine_node_pool" "a1" {
  compartment_id     = var.compartment_ocid
  cluster_id         = oci_containerengine_cluster.tasktide.id
  name               = "a1-free"
  kubernetes_version = var.kubernetes_version
  node_shape         = "VM.Standard.A1.Flex"

  node_shape_config {
    ocpus         = var.node_ocpus
    memory_in_gbs = var.node_memory_gbs
  }

  node_source_details {
    source_type             = "IMAGE"
    image_id                = local.node_image_id
    boot_volume_size_in_gbs = var.boot_volume_gbs
  }

  node_config_details {
    size = var.node_count
    placement_configs {
      availability_domain = data.oci_identity_availability_domains.ads.availability_domains[0].name
      subnet_id           = oci_core_subnet.workers.id
    }
  }

  initial_node_labels {
    key   = "tasktide.dev/pool"
    value = "a1-free"
  }
}
