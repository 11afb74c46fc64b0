# Stateful security lists, least privilege per subnet. Traefik's load balancer reaches the workers
# on NodePorts; the control plane reaches kubelets; nothing else enters the private subnet.

resource "oci_core_security_list" "api" {
  compartment_id = var.compartment_ocid
  vcn_id         = oci_core_vcn.tasktide.id
  display_name   = "tasktide-api-endpoint"

  ingress_security_rules {
    description = "kubectl from the admin address only"
    protocol    = "6"
    source      = var.admin_cidr
    tcp_options {
      min = 6443
      max = 6443
    }
  }
  ingress_security_rules {
    description = "workers to the API server"
    protocol    = "6"
    source      = local.workers_cidr
    tcp_options {
      min = 6443
      max = 6443
    }
  }
  ingress_security_rules {
    description = "workers to the control plane (OKE node registration)"
    protocol    = "6"
    source      = local.workers_cidr
    tcp_options {
      min = 12250
      max = 12250
    }
  }
  egress_security_rules {
    description = "control plane to kubelets"
    protocol    = "6"
    destination = local.workers_cidr
  }
  egress_security_rules {
    description      = "control plane to Oracle services"
    protocol         = "6"
    destination      = local.all_services.cidr_block
    destination_type = "SERVICE_CIDR_BLOCK"
  }
}

resource "oci_core_security_list" "lb" {
  compartment_id = var.compartment_ocid
  vcn_id         = oci_core_vcn.tasktide.id
  display_name   = "tasktide-lb"

  ingress_security_rules {
    description = "HTTP (redirected to HTTPS by Traefik) and ACME HTTP-01"
    protocol    = "6"
    source      = "0.0.0.0/0"
    tcp_options {
      min = 80
      max = 80
    }
  }
  ingress_security_rules {
    description = "HTTPS"
    protocol    = "6"
    source      = "0.0.0.0/0"
    tcp_options {
      min = 443
      max = 443
    }
  }
  egress_security_rules {
    description = "to Traefik's NodePorts and the kube-proxy health check on the workers"
    protocol    = "6"
    destination = local.workers_cidr
    tcp_options {
      min = 10256
      max = 32767
    }
  }
}

resource "oci_core_security_list" "workers" {
  compartment_id = var.compartment_ocid
  vcn_id         = oci_core_vcn.tasktide.id
  display_name   = "tasktide-workers"

  ingress_security_rules {
    description = "pod and node traffic inside the worker subnet"
    protocol    = "all"
    source      = local.workers_cidr
  }
  ingress_security_rules {
    description = "control plane to kubelets and webhooks"
    protocol    = "6"
    source      = local.api_cidr
  }
  ingress_security_rules {
    description = "load balancer to NodePorts and health check"
    protocol    = "6"
    source      = local.lb_cidr
    tcp_options {
      min = 10256
      max = 32767
    }
  }
  ingress_security_rules {
    description = "path MTU discovery"
    protocol    = "1"
    source      = "0.0.0.0/0"
    icmp_options {
      type = 3
      code = 4
    }
  }
  egress_security_rules {
    description = "everything out: NAT for images and webhooks, service gateway for OCI services"
    protocol    = "all"
    destination = "0.0.0.0/0"
  }
}
