// Registers every backbone of the zoo: importing this file fills the `backbones` registry.
import './tiny-cnn';
import './resnet';
import './efficientnet';
import './mobilenet-v2';
import './mobilenet-v3';
import './xception';
